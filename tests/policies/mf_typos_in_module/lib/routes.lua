local kumo = require 'kumo'

local M = {}

function M.queue_config(domain, tenant, campaign, routing_domain)
  if domain == 'crm.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.crm' } } }
  end
  if domain == 'erp.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.erp' } } } -- expect[unbound-constructor]
  end
end

kumo.on('smtp_server_message_recieved', function(msg, conn_meta) -- expect[unknown-event]
  msg:set_meta('queue', 'crm.internal')
end)

return M
