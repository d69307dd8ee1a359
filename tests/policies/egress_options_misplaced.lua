-- Connection options belong to the egress path, not to the queue config.
local kumo = require 'kumo'

kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
  -- the right place: no finding here
  return kumo.make_egress_path {
    enable_tls = 'OpportunisticInsecure',
    max_deliveries_per_connection = 100,
    connect_timeout = '30s',
    connection_limit = 10,
  }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'smarthost.internal' then
    return kumo.make_queue_config {
      protocol = {
        smtp = {
          mx_list = { 'smtp.relay.example' },
          enable_tls = 'Required', -- expect[unknown-key]
          connect_timeout = '10s', -- expect[unknown-key]
        },
      },
    }
  end
  return kumo.make_queue_config {
    egress_pool = 'default',
    max_deliveries_per_connection = 50, -- expect[unknown-key]
    connect_timeout = '1m', -- expect[unknown-key]
    retry_intervall = '10m', -- expect[unknown-key]
    Retry_Interval = '10m', -- expect[unknown-key]
  }
end)
