-- The webhook constructor is bound in a module; the queue config names it here.
local kumo = require 'kumo'
require 'hooks.webhook'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'webhook.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.webhook', batch_size = 25 } },
    }
  end
  if domain == 'typo.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.webhok' } }, -- expect[unbound-constructor]
    }
  end
end)
