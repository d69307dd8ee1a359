-- `require 'routing'` loads routing/init.lua; the module spawns a task bound here.
local kumo = require 'kumo'
local routing = require 'routing'

kumo.on('routing.refresh', function(args)
  routing.reload(args[1])
end)

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
  routing.start_refresh('/opt/kumomta/etc/policy/routes.json')
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return routing.queue_config(domain, tenant)
end)
