-- max_age shorter than retry_interval: messages expire before their first retry.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'otp.example' then
    -- default retry_interval is 20 minutes
    return kumo.make_queue_config { max_age = '10m' } -- expect[retry-exceeds-max-age]
  end
  if domain == 'slow.example' then
    return kumo.make_queue_config { retry_interval = '2h', max_age = '1h' } -- expect[retry-exceeds-max-age]
  end
  if domain == 'numbers.example' then
    return kumo.make_queue_config {
      retry_interval = 7200,
      max_age = 3600, -- expect[retry-exceeds-max-age]
    }
  end
  if domain == 'equal.example' then
    return kumo.make_queue_config { retry_interval = '1h', max_age = 3600 }
  end
  if domain == 'months.example' then
    return kumo.make_queue_config { retry_interval = '12h', max_age = '1M' }
  end
  if domain == 'minutes.example' then
    return kumo.make_queue_config { retry_interval = '30m', max_age = '1h30m' }
  end
  return kumo.make_queue_config { retry_interval = '5m' }
end)
