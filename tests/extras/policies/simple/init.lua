-- The shape of KumoMTA's example policy: helpers set up at the top level, data in TOML.
local kumo = require 'kumo'
local utils = require 'policy-extras.policy_utils'

local shaping = require 'policy-extras.shaping'
local shaper = shaping:setup_with_automation {
  extra_files = { '/opt/kumomta/etc/policy/shaping.toml' },
}

local sources = require 'policy-extras.sources'
sources:setup { '/opt/kumomta/etc/policy/egress_sources.toml' }

kumo.on('get_egress_path_config', shaper.get_egress_path_config)

local queue_module = require 'policy-extras.queue'
local queue_helper = queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }

kumo.on('smtp_server_message_received', function(msg)
  queue_helper:apply(msg)
end)
