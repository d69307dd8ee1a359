-- Durations too large for a Rust Duration: kumod rejects them ("overflow"); the checker
-- must report them, not crash while suggesting a replacement.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'forever.example' then
    return kumo.make_queue_config { max_age = '99999999999999999999s' } -- expect[invalid-duration]
  end
  return kumo.make_queue_config { max_age = '1000 years', retry_interval = '1 year' }
end)
