-- Mistakes in the egress source, pool, path and listener-domain tables an operator's
-- init.lua builds; each is judged against KumoMTA's typed structs (rules/config_calls.toml).
local kumo = require 'kumo'

local SOURCES = {
  ['ip-1'] = '10.0.0.300', -- expect[invalid-value]
  ['ip-2'] = '10.0.0.2',
}

kumo.on('get_egress_source', function(source_name)
  if source_name == 'proxied' then
    return kumo.make_egress_source {
      name = source_name,
      ha_proxy_server = '10.0.0.9', -- expect[invalid-value]
      ha_proxy_source_address = '192.0.2.10',
      ttl = '5 minuts', -- expect[invalid-duration]
    }
  end
  if source_name == 'nameless' then
    return kumo.make_egress_source { -- expect[missing-key]
      source_address = '10.0.0.1',
      ehlo_domian = 'mta.example.com', -- expect[unknown-key]
    }
  end
  return kumo.make_egress_source {
    name = source_name,
    source_address = SOURCES[source_name],
    ehlo_domain = 'mta.example.com',
  }
end)

kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool {
    name = pool_name,
    entries = {
      { name = 'ip-1' },
      { weight = 2 }, -- expect[missing-key]
      { name = 'ip-2', weight = '2' }, -- expect[invalid-type]
    },
  }
end)

kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
  return kumo.make_egress_path {
    connection_limit = 0, -- expect[invalid-value]
    additional_connection_limits = { ['shared-limit'] = 'local:lots' }, -- expect[invalid-value]
    prohibited_hosts = { '127.0.0.0/8', '10/8' }, -- expect[invalid-value]
    skip_hosts = { '10.1.2.3/16' }, -- expect[invalid-value]
    max_message_rate = '100/hour',
    additional_message_rate_throttles = { warmup = '100/hours' }, -- expect[invalid-value]
    smtp_auth_plain_password = { vault_mount = 'secret' }, -- expect[invalid-value]
    data_timeout = '5 minuts', -- expect[invalid-duration]
    enable_tls = 'Opportunistc', -- expect[invalid-value]
    retry_interval = '5m', -- expect[unknown-key]
  }
end)

kumo.on('get_listener_domain', function(domain, listener, conn_meta)
  return kumo.make_listener_domain {
    log_oob = 'yes', -- expect[invalid-value]
    log_arf = true,
    relay_to = 'true', -- expect[invalid-type]
    relay_from = { '10.0.0.0/8', '0/0' }, -- expect[invalid-value]
  }
end)

kumo.on('smtp_server_message_received', function(msg)
  local signer = kumo.dkim.rsa_sha256_signer { -- expect[missing-key]
    domain = msg:from_header().domain,
    selectr = 'default', -- expect[unknown-key]
    headers = { 'From', 'To', 'Subject' },
    key = '/opt/kumomta/etc/dkim/default.key',
  }
  msg:dkim_sign(signer)
end)
