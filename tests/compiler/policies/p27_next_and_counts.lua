local kumo = require 'kumo'

local BLOCKED = { ['spam.example'] = true, ['bad.example'] = true }
local EMPTY = {}

local function count(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

kumo.on('get_queue_config', function(domain, tenant)
  if BLOCKED[domain] then
    return kumo.make_queue_config { max_message_rate = '1/h', max_age = '1h' }
  end
  local cfg = { provider_name = 'n' .. count(BLOCKED) .. (next(EMPTY) == nil and '-empty' or '-full') }
  return kumo.make_queue_config(cfg)
end)
