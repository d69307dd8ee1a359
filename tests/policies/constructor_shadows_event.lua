-- custom_lua constructors must have their own names.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'a.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'get_queue_config' } }, -- expect[constructor-shadows-event]
    }
  end
  if domain == 'b.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'smtp_server_message_received' } }, -- expect[constructor-shadows-event]
    }
  end
  return kumo.make_queue_config {
    protocol = { custom_lua = { constructor = 'make.get_queue_config' } },
  }
end)

kumo.on('smtp_server_message_received', function(msg, conn_meta) end)

kumo.on('make.get_queue_config', function(domain, tenant, campaign)
  return { send = function(self, message) return '250 ok' end }
end)
