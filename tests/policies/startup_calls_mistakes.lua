-- Mistakes in the start-up calls of an init.lua: spools, logs, listeners, memoize and
-- the dynamic listener parameters (rules/config_calls.toml).
local kumo = require 'kumo'

local cached_lookup = kumo.memoize(function(domain)
  return domain
end, { name = 'user.lookup', ttl = '5 minuts', capacity = 100 }) -- expect[invalid-duration]

kumo.on('init', function()
  kumo.define_spool { path = '/var/spool/kumomta/meta' } -- expect[missing-key]
  kumo.define_spool {
    name = 'data',
    path = '/var/spool/kumomta/data',
    kind = 'RocksDb', -- expect[invalid-value]
  }
  kumo.configure_local_logs {} -- expect[missing-key]
  kumo.configure_local_logs {
    log_dir = '/var/log/kumomta',
    max_segment_duration = '1 minuet', -- expect[invalid-duration]
    max_file_size = '10MB', -- expect[invalid-type]
  }
  kumo.configure_log_hook { name = 'webhook', deferred_spol = true } -- expect[unknown-key]
  kumo.start_esmtp_listener {
    listen = '0.0.0.0:25',
    relay_hosts = { '127.0.0.1', '10/8' }, -- expect[invalid-value]
    client_timeout = '5 minuts', -- expect[invalid-duration]
    max_messages_per_connection = 'lots', -- expect[invalid-type]
    invalid_line_endings = 'Reject', -- expect[invalid-value]
  }
  kumo.start_http_listener {
    listen = '0.0.0.0:8000',
    trusted_hosts = { '127.0.0.1', '::1', '10.1.2.3/8' }, -- expect[invalid-value]
    use_tls = 'yes', -- expect[invalid-type]
  }
  kumo.configure_bounce_classifier { -- expect[missing-key]
    file = { '/opt/kumomta/share/bounce_classifier/iana.toml' }, -- expect[unknown-key]
  }
end)

kumo.on('smtp_server_get_dynamic_parameters', function(listener, conn_meta)
  return {
    hostname = 'mx.example.com',
    max_recipients_per_mesage = 100, -- expect[unknown-key]
  }
end)
