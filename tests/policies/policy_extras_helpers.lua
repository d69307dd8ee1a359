-- The usual helper-based policy: queue, sources, shaping and DKIM helpers from policy-extras.
local kumo = require 'kumo'
local shaping = require 'policy-extras.shaping'
local queue_module = require 'policy-extras.queue'
local sources = require 'policy-extras.sources'
local dkim_sign = require 'policy-extras.dkim_sign'
local log_hooks = require 'policy-extras.log_hooks'

local shaper = shaping:setup_with_automation {
  publish = { 'http://127.0.0.1:8008' },
  subscribe = { 'http://127.0.0.1:8008' },
  extra_files = { '/opt/kumomta/etc/policy/shaping.toml' },
}
sources:setup { '/opt/kumomta/etc/policy/egress_sources.toml' }
local dkim_signer = dkim_sign:setup { '/opt/kumomta/etc/policy/dkim_data.toml' }
local queue_helper = queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }

log_hooks:new_json {
  name = 'webhook',
  url = 'http://10.0.0.1:4242/log',
  log_parameters = { headers = { 'Subject', 'X-Customer-ID' } },
}

kumo.on('init', function()
  kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data', kind = 'RocksDB' }
  kumo.define_spool { name = 'meta', path = '/var/spool/kumomta/meta', kind = 'RocksDB' }
  kumo.start_esmtp_listener { listen = '0.0.0.0:25', hostname = 'mail.example.com' }
  kumo.start_http_listener { listen = '127.0.0.1:8000' }
  kumo.configure_local_logs { log_dir = '/var/log/kumomta', max_segment_duration = '1 minute' }
end)

kumo.on('get_egress_path_config', shaper.get_egress_path_config)

kumo.on('smtp_server_message_received', function(msg, conn_meta)
  queue_helper:apply(msg)
  dkim_signer(msg)
end)

kumo.on('http_message_generated', function(msg)
  queue_helper:apply(msg)
  dkim_signer(msg)
end)

-- A second get_queue_config is allowed alongside the helpers' own.
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'sink.internal' then
    return kumo.make_queue_config { protocol = { maildir_path = '/var/tmp/sink' } }
  end
end)
