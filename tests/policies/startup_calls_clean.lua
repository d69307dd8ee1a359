-- Start-up calls written the way KumoMTA's documentation shows them: no finding.
local kumo = require 'kumo'

local cached_lookup = kumo.memoize(function(domain)
  return domain
end, { name = 'user.lookup', ttl = '5 minutes', capacity = 100, invalidate_with_epoch = true })

kumo.on('init', function()
  kumo.define_spool { name = 'meta', path = '/var/spool/kumomta/meta', kind = 'RocksDB' }
  kumo.define_spool {
    name = 'data',
    path = '/var/spool/kumomta/data',
    kind = 'LocalDisk',
    flush = false,
    min_free_space = '10%',
  }
  kumo.configure_local_logs {
    log_dir = '/var/log/kumomta',
    max_segment_duration = '1 minute',
    max_file_size = 1000000000,
    compression_level = 3,
    headers = { 'Subject', 'X-Client-ID' },
    meta = { 'tenant', 'campaign' },
    per_record = {
      Reception = { suffix = '_recv' },
      Any = { template = [[{{ type }} {{ id }}]] },
    },
  }
  kumo.configure_log_hook { name = 'webhook', headers = { 'Subject' }, deferred_spool = false }
  kumo.start_esmtp_listener {
    listen = '0.0.0.0:25',
    hostname = 'mx.example.com',
    relay_hosts = { '127.0.0.1', '10.0.0.0/8', '::1' },
    client_timeout = '5 minutes',
    max_messages_per_connection = 1000,
    invalid_line_endings = 'Fix',
    trace_headers = { supplemental_header = true, include_meta_names = { 'tenant' } },
    tls_certificate = '/opt/kumomta/etc/tls/mx.crt',
    tls_private_key = '/opt/kumomta/etc/tls/mx.key',
    peer = {
      ['10.0.0.0/8'] = { relay_hosts = { '10.0.0.0/8' }, banner = 'internal' },
    },
  }
  kumo.start_http_listener {
    listen = '0.0.0.0:8000',
    trusted_hosts = { '127.0.0.1', '::1', '10.0.0.0/8' },
  }
  kumo.configure_bounce_classifier {
    files = { '/opt/kumomta/share/bounce_classifier/iana.toml' },
  }
  kumo.configure_redis_throttles { node = 'redis://127.0.0.1/', pool_size = 20 }
end)

kumo.on('smtp_server_get_dynamic_parameters', function(listener, conn_meta)
  return {
    hostname = 'mx.example.com',
    max_recipients_per_message = 100,
  }
end)
