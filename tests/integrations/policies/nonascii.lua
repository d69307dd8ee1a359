-- Zürich relay — 🚀 fast lane
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local note = 'café 🚀'; return kumo.make_queue_config { retry_interval = '1:30:00' }
end)
