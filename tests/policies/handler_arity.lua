-- Handlers declaring parameters their event never passes.
local kumo = require 'kumo'

kumo.on('make.webhook', function(domain, tenant, campaign, routing_domain) -- expect[handler-arity]
  return { send = function(self, message) return 'ok' end }
end)

kumo.on('make.batch', function(domain, tenant)
  return {
    send_batch = function(self, messages)
      return string.format('%d accepted', #messages)
    end,
  }
end)

kumo.on('get_egress_source', function(source_name, pool_name) -- expect[handler-arity]
  return kumo.make_egress_source { name = source_name }
end)

kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool { name = pool_name, entries = { { name = 'ip-1' } } }
end)

-- all four queue parameters are real
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'hooks.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.webhook' } } }
  end
  return kumo.make_queue_config {
    protocol = { custom_lua = { constructor = 'make.batch', batch_size = 50, max_batch_latency = '5s' } },
  }
end)

kumo.on('smtp_server_ehlo', function(domain, conn_meta, extensions) end)

kumo.on('smtp_server_mail_from', function(sender, conn_meta, recipient) -- expect[handler-arity]
end)

kumo.on('init', function(config) -- expect[handler-arity]
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
end)

-- main receives the script arguments: any number is fine
kumo.on('main', function(first, second, third, fourth, fifth) end)

kumo.on('smtp_client_rewrite_delivery_status', function(response, domain, tenant, campaign, routing_domain)
  if response:find('mailbox full', 1, true) then return 452 end
end)
