local kumo = require 'kumo'
local utils = require 'policy-extras.policy_utils'
local log_hooks = require 'policy-extras.log_hooks'
local shaping = require 'policy-extras.shaping'
local sources = require 'policy-extras.sources'
local listener_domains = require 'policy-extras.listener_domains'
local dkim_sign = require 'policy-extras.dkim_sign'
local queue_module = require 'policy-extras.queue'

log_hooks:new_json {
  name = 'webhook',
  url = 'http://10.0.0.1:4242/log',
  queue_config = { retry_interval = '2m' },
}

sources:setup { '/opt/kumomta/etc/policy/sources.toml' }

local shaper = shaping:setup_with_automation {
  no_default_files = true,
  extra_files = { '/opt/kumomta/etc/policy/shaping.toml' },
}
kumo.on('get_egress_path_config', shaper.get_egress_path_config)

kumo.on('get_listener_domain', listener_domains:setup { '/opt/kumomta/etc/policy/listener_domains.toml' })

local signer = dkim_sign:setup { '/opt/kumomta/etc/policy/dkim_data.toml' }

local queue_helper = queue_module:setup {
  '/opt/kumomta/etc/policy/queues.toml',
  '/opt/kumomta/etc/policy/queues-override.toml',
}

kumo.on('smtp_server_message_received', function(msg)
  queue_helper:apply(msg)
  signer(msg)
end)
