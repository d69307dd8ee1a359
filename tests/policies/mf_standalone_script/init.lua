-- The policy; tools/report.lua is a separate `kumod --script` file nobody requires.
local kumo = require 'kumo'

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
end)

kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config { max_age = '4 days' }
end)
