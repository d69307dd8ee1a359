-- A helper-based policy as KumoMTA's docs describe it: every data file is clean.
local kumo = require 'kumo'
local shaping = require 'policy-extras.shaping'
local sources = require 'policy-extras.sources'
local listener_domains = require 'policy-extras.listener_domains'
local dkim_sign = require 'policy-extras.dkim_sign'
local log_hooks = require 'policy-extras.log_hooks'
local queue_module = require 'policy-extras.queue'

log_hooks:new_json {
  name = 'webhook',
  url = 'http://10.0.0.1:4242/log',
  log_parameters = { headers = { 'Subject', 'X-Customer-ID' } },
  queue_config = { retry_interval = '1m', max_retry_interval = '20m' },
}

local shaper = shaping:setup_with_automation {
  publish = { 'http://10.0.0.5:8008' },
  subscribe = { 'http://10.0.0.5:8008' },
  extra_files = {
    '/opt/kumomta/etc/policy/shaping.toml',
    '/opt/kumomta/etc/policy/traffic/automation_rules.toml',
  },
  cache_ttl = '5 minutes',
}

sources:setup { '/opt/kumomta/etc/policy/sources.toml' }

local dkim_signer = dkim_sign:setup { '/opt/kumomta/etc/policy/dkim_data.toml' }

local queue_helper = queue_module:setup_with_options {
  file_names = { '/opt/kumomta/etc/policy/queues.toml' },
}

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
  kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data' }
  kumo.define_spool { name = 'meta', path = '/var/spool/kumomta/meta' }
  shaper.setup_publish()
end)

kumo.on('get_listener_domain', listener_domains:setup { '/opt/kumomta/etc/policy/listener_domains.toml' })
kumo.on('get_egress_path_config', shaper.get_egress_path_config)

kumo.on('smtp_server_message_received', function(msg)
  queue_helper:apply(msg)
  dkim_signer(msg)
end)
