-- Suppressions left behind after the mistakes they silenced were fixed.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 'pool-' .. tenant, -- kumocheck: ignore[invalid-type] -- expect[unused-suppression]
    -- kumocheck: ignore[KC103] -- expect[unused-suppression]
    retry_interval = '10m',
    max_age = '3 Days', -- kumocheck: ignore[invalid-duration, unknown-key] -- expect[unused-suppression]
    strategy = 'SingletonTimerWheel', -- kumocheck: ignore -- expect[unused-suppression]
    max_retry_interval = '2h', -- kumocheck: ignore[invalid-durations] -- expect[unknown-suppression]
    reap_interval = '10 minuts', -- kumocheck: ignore[invalid-duration]
  }
end)
