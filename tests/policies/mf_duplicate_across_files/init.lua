-- init is bound in a module and again here: kumod refuses to load.
local kumo = require 'kumo'
require 'lib.listeners'

kumo.on('init', function() -- expect[duplicate-handler]
  kumo.start_http_listener { listen = '127.0.0.1:8000' }
end)

-- several get_queue_config handlers across files are fine
kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config { egress_pool = 'default' }
end)
