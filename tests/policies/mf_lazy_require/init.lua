-- A module's setup() binding events at load time is fine; requiring a module that
-- binds events lazily, from inside a handler, is kumod's "cannot register" error.
local kumo = require 'kumo'
local webhooks = require 'lib.webhooks'

webhooks.setup('make.hook.crm', 'https://crm.example.com/hook')

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'crm.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.hook.crm' } } }
  end
  if domain == 'audit.internal' then
    local audit = require 'lib.audit' -- expect[on-inside-handler]
    return audit.queue_config()
  end
end)
