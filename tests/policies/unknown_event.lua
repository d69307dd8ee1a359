-- Misspelled and invented event names: kumo.on accepts them and they never fire.
local kumo = require 'kumo'

kumo.on('get_queue_confg', function(domain) -- expect[unknown-event]
  return kumo.make_queue_config { egress_pool = 'a' }
end)

kumo.on('smtp_server_message_recieved', function(msg, conn_meta) -- expect[unknown-event]
end)

kumo.on('get_egress_path', function(routing_domain, egress_source, site_name) -- expect[unknown-event]
  return kumo.make_egress_path {}
end)

kumo.on('message_requeued', function(msg) -- expect[unknown-event]
end)

kumo.on('orphan.handler', function() -- expect[unknown-event]
end)

-- Real, if rarely seen, events:
kumo.on('validate_config', function() end)
kumo.on('http_server_validate_auth_bearer', function(token) return token == 'secret' end)
kumo.on('requeue_message', function(msg, smtp_response, insert_context, increment_attempts, delay) end)
kumo.on('smtp_server_rewrite_response', function(status, response, command, conn_meta) end)
kumo.on('spool_message_enumerated', function(msg) end)
kumo.on('shutdown_logging', function() end)
