-- Constructors named in data files: custom handler names cannot be judged unused, but a
-- misspelled KumoMTA event is still a typo.
local kumo = require 'kumo'
local queue_module = require 'policy-extras.queue'

local queue_helper = queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }
local hooks = kumo.serde.toml_load '/opt/kumomta/etc/policy/hooks.toml'

-- named as constructor in queues.toml: not reported
kumo.on('make.partner.webhook', function(domain, tenant, campaign)
  local url = hooks[domain] and hooks[domain].url
  return {
    send = function(self, message)
      kumo.http.build_client({}):post(url):body(message:get_data()):send()
      return 'sent to partner'
    end,
  }
end)

kumo.on('smtp_server_mesage_received', function(msg, conn_meta) -- expect[unknown-event]
  queue_helper:apply(msg)
end)

kumo.on('http_message_generated', function(msg)
  queue_helper:apply(msg)
end)
