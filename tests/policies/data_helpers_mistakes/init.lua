-- Mistakes in the data files and in the helper set-up, several visible only across files.
local kumo = require 'kumo'
local shaping = require 'policy-extras.shaping'
local sources = require 'policy-extras.sources'
local queue_module = require 'policy-extras.queue'
local listener_domains = require 'policy-extras.listener_domains'

local shaper = shaping:setup_with_automation {
  extra_files = {
    '/opt/kumomta/share/policy-extras/shaping.toml', -- expect[duplicate-entry]
    '/opt/kumomta/etc/policy/shaping.toml',
    '/etc/kumo/site_overrides.toml',
    '/etc/kumo/not_there.toml', -- expect[missing-data-file]
    '/srv/elsewhere/shaping.toml',
  },
  pre_filtre = true, -- expect[unknown-helper-api]
}

sources:setup { '/opt/kumomta/etc/policy/egress_ips.toml' }
listener_domains:setup '/opt/kumomta/etc/policy/listener_domains.toml' -- expect[ignored-setting]

queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }

kumo.on('get_egress_path_config', shaper.get_egress_path_confg) -- expect[unknown-helper-api]

local dkim_sign = require 'policy-extras.dkim_sign'
local signer = dkim_sign:setup { '/opt/kumomta/etc/policy/dkim_data.toml' }
