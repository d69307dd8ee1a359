local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain)
  local sum = 0
  for i = #domain, 1, -2 do
    sum = sum + domain:byte(i)
  end
  local f = 0
  for x = 0.5, 2.0, 0.25 do
    f = f + x
  end
  local tiers = { '1m', '5m', '15m', '30m', '1h' }
  return kumo.make_queue_config {
    retry_interval = tiers[sum % #tiers + 1],
    max_age = f * 3600,
  }
end)
