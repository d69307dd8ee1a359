local kumo = require 'kumo'

local SETTINGS = {
  ['a.example'] = 300,
  ['b.example'] = '7m',
  ['c.example'] = { retry = '9m' },
  ['d.example'] = function(tenant) return tenant and '11m' or '13m' end,
  ['e.example'] = false,
}

kumo.on('get_queue_config', function(domain, tenant)
  local s = SETTINGS[domain]
  local t = type(s)
  local retry
  if t == 'number' then retry = s
  elseif t == 'string' then retry = s
  elseif t == 'table' then retry = s.retry
  elseif t == 'function' then retry = s(tenant)
  elseif t == 'boolean' then retry = '17m'
  else return end
  return kumo.make_queue_config { retry_interval = retry }
end)
