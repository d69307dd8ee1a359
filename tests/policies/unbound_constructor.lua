-- Constructors named in make_queue_config must be bound with kumo.on.
local kumo = require 'kumo'

local HOOKS = {
  ['events.internal'] = 'make.webhook',
  ['crm.internal'] = 'make.crm',
  ['audit.internal'] = 'make.audti', -- expect[unbound-constructor]
}

kumo.on('make.webhook', function(domain, tenant, campaign)
  return { send = function(self, message) return 'ok' end }
end)

kumo.on('make.crm', function(domain, tenant, campaign)
  return {
    send = function(self, message) return 'ok' end,
    close = function(self) end,
  }
end)

kumo.on('make.audit', function(domain, tenant, campaign)
  return { send = function(self, message) return 'ok' end }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local hook = HOOKS[domain]
  if hook then
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = hook } } }
  end
  if domain == 'positional.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { 'make.webhok', 10 } } } -- expect[unbound-constructor]
  end
  if domain == 'legacy.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.' .. 'legacy' } }, -- expect[unbound-constructor]
    }
  end
end)
