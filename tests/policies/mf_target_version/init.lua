-- A policy deployed to KumoMTA 2024.11.08 machines.
local kumo = require 'kumo'
local queues = require 'lib.queues'

kumo.on('smtp_server_data', function(msg, conn_meta) -- expect[requires-newer-kumomta]
  msg:set_meta('tenant', 'default')
end)

kumo.on('smtp_server_message_received', function(msg, conn_meta)
  msg:set_meta('queue', 'default')
end)

kumo.on('get_queue_config', queues.config)
