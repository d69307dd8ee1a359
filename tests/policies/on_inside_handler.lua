-- kumo.on is only allowed while the policy loads.
local kumo = require 'kumo'

local function register_webhook(name, url)
  -- called at load time below: allowed
  kumo.on(name, function(domain, tenant, campaign)
    return {
      send = function(self, message)
        local response = kumo.http.build_client({}):post(url):body(message:get_data()):send()
        return response:text()
      end,
    }
  end)
end

register_webhook('make.hook.events', 'https://hooks.example.com/events')

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:2525' }
  kumo.on('smtp_server_message_received', function(msg, conn_meta) end) -- expect[on-inside-handler]
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'events.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.hook.events' } } }
  end
end)

kumo.on('main', function(...)
  -- kumod --script: the one place where kumo.on inside a handler is allowed
  kumo.on('script.report', function(args) print(args[1]) end)
  kumo.spawn_task { event_name = 'script.report', args = { ... } }
end)
