-- A helper-free policy: tenants pick egress pools, big providers get their own pacing.
-- Try: kumocheck explain examples/routing bulk@gmail.com
--      kumocheck test examples/routing
local kumo = require 'kumo'
local tuning = require 'tuning'

local TENANT_POOLS = {
  bulk = 'pool-bulk',
  billing = 'pool-transactional',
}

-- Internal sink: delivered into a maildir, never over SMTP.
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'sink.internal' then
    return kumo.make_queue_config {
      protocol = { maildir_path = '/var/spool/kumomta/sink' },
    }
  end
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain:find('%.invalid$') then
    error('refusing to queue for ' .. domain)
  end
  local provider = tuning.provider_for(domain)
  local params = {
    egress_pool = TENANT_POOLS[tenant or ''] or 'pool-default',
    max_age = '3 days',
  }
  if provider then
    params.retry_interval = provider.retry_interval
    params.max_message_rate = provider.rate
    params.provider_name = provider.name
  end
  if campaign == 'urgent' then
    params.max_age = '4h'
  end
  return kumo.make_queue_config(params)
end)
