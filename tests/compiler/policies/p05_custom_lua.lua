local kumo = require 'kumo'

kumo.on('make.webhook', function(domain, tenant, campaign)
  local connection = {}
  function connection:send(message)
    return 'sent'
  end
  return connection
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'webhook.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.webhook', batch_size = 100 // 2 } },
    }
  end
end)
