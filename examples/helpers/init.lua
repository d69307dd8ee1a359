-- A policy built on KumoMTA's queue helper: queues.toml decides, after a Lua handler
-- for a partner's smarthost. Try:
--   kumocheck explain examples/helpers bulk@gmail.com
--   kumocheck test examples/helpers
local kumo = require 'kumo'
local queue_module = require 'policy-extras.queue'

-- Mail for the partner's domain goes through their smarthost, whatever the tenant.
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'partner.example' then
    return kumo.make_queue_config {
      retry_interval = '5m',
      protocol = { smtp = { mx_list = { 'smtp.partner.example' } } },
    }
  end
end)

local queue_helper = queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }

kumo.on('smtp_server_message_received', function(msg)
  queue_helper:apply(msg)
end)
