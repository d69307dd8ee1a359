-- Config events want the userdata built by kumo.make_*, not a plain table.
local kumo = require 'kumo'

local SOURCES = {
  ['ip-1'] = { name = 'ip-1', source_address = '10.0.0.1', ehlo_domain = 'mta1.example.com' },
  ['ip-2'] = { name = 'ip-2', source_address = '10.0.0.2', ehlo_domain = 'mta2.example.com' },
}

kumo.on('get_egress_source', function(source_name)
  local params = SOURCES[source_name]
  if params then
    return kumo.make_egress_source(params)
  end
  return { name = source_name } -- expect[table-return]
end)

kumo.on('get_egress_pool', function(pool_name)
  return { name = pool_name, entries = { { name = 'ip-1' }, { name = 'ip-2' } } } -- expect[table-return]
end)

kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
  local cfg = { connection_limit = 5, enable_tls = 'Opportunistic' }
  return cfg -- expect[table-return]
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if tenant == 'legacy' then
    return { egress_pool = 'legacy' } -- expect[table-return]
  end
  return kumo.make_queue_config { egress_pool = 'pool-' .. (tenant or 'default') }
end)

-- Plain tables are the right answer for these:
kumo.on('smtp_server_get_dynamic_parameters', function(listener, conn_meta)
  return { max_messages_per_connection = 100 }
end)

kumo.on('make.archive', function(domain, tenant, campaign)
  return {
    send = function(self, message)
      return 'archived'
    end,
  }
end)

kumo.on('smtp_server_split_transaction', function(message, conn_meta)
  return { message:recipient_list() }
end)

kumo.on('get_queue_config', function(domain) -- expect[unreachable-handler]
  if domain == 'archive.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.archive' } } }
  end
end)
