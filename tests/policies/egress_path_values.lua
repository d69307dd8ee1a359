-- Egress path options are judged by their types too (rules/egress.toml).
local kumo = require 'kumo'

local SHAPING = {
  ['gmail.com'] = { max_message_rate = '1000/h', connection_limit = 10 },
  ['yahoo.com'] = { max_message_rate = '1000/3600' }, -- expect[invalid-value]
}

kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
  local shaping = SHAPING[routing_domain] or {}
  return kumo.make_egress_path {
    enable_tls = 'OpportunisticInsecure',
    max_message_rate = shaping.max_message_rate,
    connection_limit = shaping.connection_limit or 32,
    connect_timeout = '60s',
    idle_timeout = 5,
    ip_lookup_strategy = 'Ipv4thenIpv6', -- expect[invalid-value]
    max_deliveries_per_connection = 1000 / 10, -- expect[invalid-type]
    smtp_port = 2525,
    enable_dane = 'true', -- expect[invalid-type]
    reconnect_strategy = 'ConnectNextHost',
    ehlo_domain = 'mta.example.com',
  }
end)

kumo.on('get_egress_source', function(source_name)
  return kumo.make_egress_source { name = source_name, source_address = '10.0.0.1', remote_port = 70000 } -- expect[invalid-value]
end)
