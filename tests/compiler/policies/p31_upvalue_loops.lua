local kumo = require 'kumo'

local handlers = {}
local total = 0
for i, suffix in ipairs({ '.de', '.fr', '.it' }) do
  local hits = 0
  handlers[suffix] = function()
    hits = hits + 1
    total = total + 1
    return hits * 10 + i
  end
end

local k = 1
while k <= 2 do
  local captured = k
  handlers['#' .. k] = function() return captured end
  k = k + 1
end

kumo.on('get_queue_config', function(domain)
  local suffix = domain:match('%.%a+$')
  local h = handlers[suffix or '']
  local value = h and h() or handlers['#2']()
  return kumo.make_queue_config { provider_name = suffix or 'none', max_age = value * 60 + total }
end)
