-- Tenants map to egress pools defined in a module.
local kumo = require 'kumo'
local pools = require 'lib.pools'

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
end)

kumo.on('get_egress_source', function(source_name)
  return kumo.make_egress_source(pools.SOURCES[source_name])
end)

kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool { name = pool_name, entries = pools.POOL_ENTRIES[pool_name] }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = pools.TENANT_POOLS[tenant] or 'shared',
    retry_interval = pools.retry_for(domain),
  }
end)
