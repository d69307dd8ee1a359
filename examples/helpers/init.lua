-- A policy built on KumoMTA's queue helper: queues.toml decides, a Lua handler first
-- takes the internal sink. Try:
--   kumocheck explain examples/helpers bulk@gmail.com
--   kumocheck test examples/helpers
local kumo = require 'kumo'
local queue_module = require 'policy-extras.queue'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'sink.internal' then
    return kumo.make_queue_config {
      protocol = { maildir_path = '/var/spool/kumomta/sink' },
    }
  end
end)

local queue_helper = queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }

kumo.on('smtp_server_message_received', function(msg)
  queue_helper:apply(msg)
end)
