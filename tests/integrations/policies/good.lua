-- A small, correct KumoMTA policy: kumocheck reports nothing here.
local kumo = require 'kumo'

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 'default',
    retry_interval = '10m',
    max_age = '3 days',
  }
end)
