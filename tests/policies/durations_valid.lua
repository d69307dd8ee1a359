-- Valid but surprising durations: none of these may be reported.
local kumo = require 'kumo'

local MINUTE <const> = 60
local RETRY_BY_CLASS = {
  bulk = '1h30m',
  transactional = '32ms',
  digest = '1.5h',
  paused = '0',
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if tenant == 'archive' then
    -- '1M' is one month (30.44 days), not one minute: valid.
    return kumo.make_queue_config { retry_interval = '1h', max_age = '1M' }
  end
  if tenant == 'burst' then
    return kumo.make_queue_config {
      retry_interval = 0,
      max_retry_interval = 1.5,
      max_age = 3600 / 2,
      refresh_interval = 0.5,
      reap_interval = '  1h30m  ',
      timerwheel_tick_interval = '250ms',
    }
  end
  if tenant == 'fixed' then
    return kumo.make_queue_config {
      retry_interval = '20 minutes',
      max_retry_interval = '20 minutes',
      max_age = '20 minutes',
    }
  end
  return kumo.make_queue_config {
    retry_interval = RETRY_BY_CLASS[campaign] or 10 * MINUTE,
    max_retry_interval = '2 hours 1 min',
    max_age = '1 week 2days',
    reap_interval = '90 s',
    refresh_interval = '1y',
  }
end)
