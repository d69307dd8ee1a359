local kumo = require 'kumo'
local settings = require 'lib.settings'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config(settings.for_domain(domain))
end)
