local kumo = require 'kumo'

local TENANT_POOLS = {
  marketing = 'pool-marketing',
  transactional = 'pool-tx',
  alerts = 'pool-tx',
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local pool = TENANT_POOLS[tenant or ''] or 'pool-default'
  local cfg = {
    egress_pool = pool,
    retry_interval = tenant == 'transactional' and '2m' or '20m',
  }
  if campaign then
    cfg.provider_name = 'campaign-' .. campaign
  end
  return kumo.make_queue_config(cfg)
end)
