-- Suppression comments: valid ones silence findings, misspelled ones are reported.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 1, -- kumocheck: ignore[invalid-type]
    -- kumocheck: ignore[KC103]
    retry_interval = '60',
    max_age = '3 Days', -- kumocheck: ignore[invalid-durations] -- expect[unknown-suppression, invalid-duration]
    strategy = 'skiplist', -- kumocheck: ignore
  }
end)
