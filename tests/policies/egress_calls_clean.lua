-- The same calls written correctly: sources with proxies, weighted pools, a full egress
-- path, listener domains and DKIM signers give no finding.
local kumo = require 'kumo'

local SOURCES = {
  ['ip-1'] = { address = '10.0.0.1', ehlo = 'mta1.example.com' },
  ['ip-2'] = { address = '2001:db8::25', ehlo = 'mta2.example.com' },
}

kumo.on('get_egress_source', function(source_name)
  local source = SOURCES[source_name]
  if source_name == 'proxied' then
    return kumo.make_egress_source {
      name = source_name,
      ha_proxy_server = '10.0.0.9:5000',
      ha_proxy_source_address = '192.0.2.10',
      socks5_proxy_server = '[2001:db8::9]:1080',
      socks5_proxy_source_address = '192.0.2.11',
      ttl = '5 minutes',
    }
  end
  return kumo.make_egress_source {
    name = source_name,
    source_address = source.address,
    ehlo_domain = source.ehlo,
    remote_port = 2525,
  }
end)

kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool {
    name = pool_name,
    entries = {
      { name = 'ip-1', weight = 10 },
      { name = 'ip-2' },
    },
    ttl = 60,
  }
end)

kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
  return kumo.make_egress_path {
    connection_limit = 'local:10',
    additional_connection_limits = { ['shared-limit'] = 100 },
    max_connection_rate = '100/min',
    max_message_rate = 'local:1_000/h,max_burst=50',
    additional_message_rate_throttles = { warmup = '5000/d' },
    prohibited_hosts = { '127.0.0.0/8', '::1', '0.0.0.0/0' },
    skip_hosts = { '192.168.0.0/16', 'fe80::/10', 'any' },
    enable_tls = 'OpportunisticInsecure',
    enable_mta_sts = true,
    smtp_auth_plain_username = 'scott',
    smtp_auth_plain_password = { key_data = 'tiger' },
    tls_certificate = '/opt/kumomta/etc/tls/client.crt',
    tls_private_key = {
      vault_mount = 'secret',
      vault_path = 'tls/client',
    },
    connect_timeout = '60s',
    data_dot_timeout = '5m',
    idle_timeout = 10,
    max_ready = 2048,
    reconnect_strategy = 'ReconnectSameHost',
    ehlo_domain = 'mta.example.com',
  }
end)

kumo.on('get_listener_domain', function(domain, listener, conn_meta)
  if domain == 'bounces.example.com' then
    return kumo.make_listener_domain { log_oob = true, log_arf = 'LogThenDrop' }
  end
  return kumo.make_listener_domain {
    relay_to = true,
    relay_from = { '10.0.0.0/8', '2001:db8::/32' },
  }
end)

kumo.on('smtp_server_message_received', function(msg)
  local signer = kumo.dkim.rsa_sha256_signer {
    domain = msg:from_header().domain,
    selector = 'default',
    headers = { 'From', 'To', 'Subject', 'Date' },
    key = { key_data = 'PEM DATA' },
    header_canonicalization = 'Relaxed',
    ttl = '5m',
  }
  msg:dkim_sign(signer)
  msg:dkim_sign(kumo.dkim.ed25519_signer {
    domain = 'example.com',
    selector = 'ed',
    headers = { 'From' },
    key = '/opt/kumomta/etc/dkim/ed.key',
  })
end)
