local kumo = require 'kumo'

local function hash(s)
  local h = 5381
  for i = 1, #s do
    h = ((h << 5) + h + s:byte(i)) & 0x7fffffff
  end
  return h
end

local POOLS = { 'a', 'b', 'c', 'd' }

kumo.on('get_queue_config', function(domain, tenant)
  local h = hash(domain .. (tenant or ''))
  local pool = POOLS[(h % #POOLS) + 1]
  return kumo.make_queue_config { egress_pool = 'shard-' .. pool, provider_name = tostring(h ~ 0xff) }
end)
