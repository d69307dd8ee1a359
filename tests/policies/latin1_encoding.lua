-- Politique enregistrée en Latin-1 par un vieil éditeur. -- expect[source-encoding]
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { egress_pool = 'pool-' .. (tenant or 'défaut') }
end)
