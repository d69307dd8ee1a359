local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant)
  local n = #domain
  local a = math.sqrt(n)
  local b = math.tointeger(n * 2.0)
  local c = math.fmod(n, 3)
  local d = math.abs(-n) + math.ceil(n / 4) - math.floor(-n / 4)
  local e = math.min(n, 10, 7.5)
  local kind = math.type(a) .. '/' .. math.type(b) .. '/' .. math.type(e)
  return kumo.make_queue_config {
    retry_interval = b,
    provider_name = kind .. ':' .. tostring(c) .. ':' .. tostring(d) .. ':' .. string.format('%.3f', a) .. ':' .. tostring(3 / 2) .. ':' .. tostring(7 // 2.0),
  }
end)
