-- Per-site egress path settings next to queue settings; the queue side is what is checked.
local kumo = require 'kumo'

local SITES = {
  ['(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com'] = { connection_limit = 10, max_deliveries_per_connection = 50 },
  ['mta[0-9]+.am0.yahoodns.net'] = { connection_limit = 5 },
}

kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
  local params = SITES[site_name] or { connection_limit = 2 }
  params.enable_tls = 'OpportunisticInsecure'
  params.idle_timeout = '60s'
  return kumo.make_egress_path(params)
end)

kumo.on('get_egress_source', function(source_name)
  return kumo.make_egress_source { name = source_name, source_address = '192.0.2.10', ehlo_domain = 'mta.example.com' }
end)

kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool { name = pool_name, entries = { { name = 'ip-1', weight = 1 } } }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 'pool-main',
    idle_timeout = '60s', -- expect[unknown-key]
    enable_tls = 'Required', -- expect[unknown-key]
  }
end)
