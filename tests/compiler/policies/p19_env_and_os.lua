local kumo = require 'kumo'

local POOL_PREFIX = os.getenv('KUMOCHECK_TEST_POOL_PREFIX') or 'pool'
local MODE = os.getenv('KUMOCHECK_TEST_MODE_UNSET')

kumo.on('get_queue_config', function(domain, tenant)
  local pool = POOL_PREFIX .. '-' .. (tenant or 'none')
  if MODE == 'sink' then
    return kumo.make_queue_config { protocol = { maildir_path = '/tmp/sink' } }
  end
  return kumo.make_queue_config { egress_pool = pool }
end)
