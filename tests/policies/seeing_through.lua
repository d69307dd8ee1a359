-- Values the checker must follow: <const> locals, if/else reassignment, `or`
-- defaults, concatenation and map lookups.
local kumo = require 'kumo'

local FIVE <const> = '5'
local UNIT = 'm'
local BAD_UNIT <const> = ' Minutes'
local DEFAULT_POOL <const> = 'shared'

local POOLS = {
  acme = 'pool-acme',
  globex = 'pool-globex',
  initech = { 'pool-initech' }, -- expect[invalid-type]
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local retry = '10m'
  if campaign == 'newsletter' then
    retry = '1h'
  elseif campaign == 'alerts' then
    retry = '30 Sec' -- expect[invalid-duration]
  else
    retry = FIVE .. UNIT
  end

  local max_age = FIVE .. BAD_UNIT -- expect[invalid-duration]
  if tenant == 'acme' then
    max_age = '2 days'
  end

  return kumo.make_queue_config {
    egress_pool = POOLS[tenant] or DEFAULT_POOL,
    retry_interval = retry,
    max_age = max_age,
    max_retry_interval = FIVE .. 'M',
  }
end)
