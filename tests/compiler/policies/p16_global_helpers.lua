-- Old-style policy with global helper functions.
kumo = require 'kumo'

DEFAULT_RETRY = '20m'

function retry_for(domain)
  if string.sub(domain, 1, 4) == 'test' then
    return '1m'
  end
  return DEFAULT_RETRY
end

function pool_for(tenant)
  return tenant and ('tenant_' .. tenant) or nil
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    retry_interval = retry_for(domain),
    egress_pool = pool_for(tenant),
  }
end)
