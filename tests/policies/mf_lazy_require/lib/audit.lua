local kumo = require 'kumo'

local M = {}

kumo.on('make.audit', function(domain, tenant, campaign)
  return { send = function(self, message) return 'audited' end }
end)

function M.queue_config()
  -- never bound: the lazy require of this module fails while registering make.audit
  return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.audit' } } } -- expect[unbound-constructor]
end

return M
