-- Durations kumod's humantime parser rejects, as operators actually typo them.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'slow.example' then
    return kumo.make_queue_config {
      retry_interval = '60', -- expect[invalid-duration]
      max_age = '3 Days', -- expect[invalid-duration]
    }
  end
  if domain == 'signed.example' then
    return kumo.make_queue_config {
      retry_interval = '-5m', -- expect[invalid-duration]
      max_retry_interval = '1,000s', -- expect[invalid-duration]
      reap_interval = 'PT5M', -- expect[invalid-duration]
    }
  end
  if domain == 'blank.example' then
    return kumo.make_queue_config {
      retry_interval = '', -- expect[invalid-duration]
      refresh_interval = '1.h', -- expect[invalid-duration]
      max_age = '1H', -- expect[invalid-duration]
    }
  end
  if domain == 'neg.example' then
    return kumo.make_queue_config {
      retry_interval = -1, -- expect[invalid-duration]
      max_retry_interval = -1.5, -- expect[invalid-duration]
      timerwheel_tick_interval = 'm', -- expect[invalid-duration]
    }
  end
  return kumo.make_queue_config {
    retry_interval = '10 mins',
    max_age = '5 days',
  }
end)
