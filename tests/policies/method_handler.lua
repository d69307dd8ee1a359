-- A method used as a handler: kumod passes (domain, tenant, campaign, routing_domain), so
-- `self` receives the domain and the last declared parameter is always nil.
local kumo = require 'kumo'

local Router = { pools = { acme = 'pool-acme' } }

function Router:queue_config(domain, tenant, campaign, routing_domain) -- expect[handler-arity]
  return kumo.make_queue_config { egress_pool = 'shared' }
end

function Router.source(source_name)
  return kumo.make_egress_source { name = source_name, source_address = '10.0.0.1' }
end

kumo.on('get_queue_config', Router.queue_config)
kumo.on('get_egress_source', Router.source)
