-- Infinite and NaN float durations make kumod panic (Duration::from_secs_f64).
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'forever.example' then
    return kumo.make_queue_config { max_age = 1 / 0 } -- expect[invalid-duration]
  end
  if domain == 'nan.example' then
    return kumo.make_queue_config { retry_interval = 0 / 0 } -- expect[invalid-duration]
  end
  if domain == 'huge.example' then
    return kumo.make_queue_config { max_age = math.huge } -- expect[invalid-duration]
  end
  return kumo.make_queue_config { max_age = 86400 * 3.5, retry_interval = 1e3 }
end)
