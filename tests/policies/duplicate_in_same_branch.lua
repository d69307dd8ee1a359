-- Both bindings sit in the same branch: when it runs, the second kumo.on fails.
local kumo = require 'kumo'

if os.getenv('KUMO_ROLE') == 'relay' then
  kumo.on('get_egress_pool', function(pool_name)
    return kumo.make_egress_pool { name = pool_name, entries = { { name = 'relay-ip' } } }
  end)
  kumo.on('get_egress_pool', function(pool_name) -- expect[duplicate-handler]
    return kumo.make_egress_pool { name = pool_name, entries = { { name = 'relay-ip-2' } } }
  end)
else
  kumo.on('get_egress_pool', function(pool_name)
    return kumo.make_egress_pool { name = pool_name, entries = { { name = 'mta-ip' } } }
  end)
end

kumo.on('get_queue_config', function(domain, tenant)
  return kumo.make_queue_config { egress_pool = 'main' }
end)
