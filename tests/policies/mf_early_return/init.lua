-- A minimal mode that returns from the policy before the full set-up runs.
local kumo = require 'kumo'

if os.getenv('KUMO_MINIMAL') then
  kumo.on('init', function()
    kumo.start_http_listener { listen = '127.0.0.1:8000' }
  end)
  return
end

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
  kumo.start_http_listener { listen = '127.0.0.1:8000' }
end)

kumo.on('init', function() -- expect[duplicate-handler]
end)

kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config { retry_interval = '10 minutes' }
end)
