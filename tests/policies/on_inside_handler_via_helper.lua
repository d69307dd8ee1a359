-- A helper that calls kumo.on is fine at load time, but not when a handler calls it.
local kumo = require 'kumo'

local function register_webhook(name, url)
  kumo.on(name, function(domain, tenant, campaign)
    return {
      send = function(self, message)
        return kumo.http.build_client({}):post(url):body(message:get_data()):send():text()
      end,
    }
  end)
end

register_webhook('make.hook.events', 'https://hooks.example.com/events')

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'late.internal' then
    register_webhook('make.hook.late', 'https://hooks.example.com/late') -- expect[on-inside-handler]
    -- kumo.on raised above, so this constructor is never bound either
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.hook.late' } } } -- expect[unbound-constructor]
  end
  return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.hook.events' } } }
end)
