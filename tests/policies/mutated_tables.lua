-- Parameter tables built in steps: later assignments are judged where they happen.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local params = {
    egress_pool = 'default',
    retry_interval = '10m',
  }
  if tenant then
    params.egress_pool = 'tenant-' .. tenant
  end
  if domain:match('%.edu$') then
    params.max_age = '3 Days' -- expect[invalid-duration]
  end
  params.max_message_rate = '100/minute'
  params['strategy'] = 'Skiplist' -- expect[invalid-value]
  params.protocol = { smtp = { mx_list = { 'relay.example.net' } } }
  params.protocol.smtp.enable_tls = 'Required' -- expect[unknown-key]
  params.max_deliveries_per_connection = 100 -- expect[unknown-key]
  return kumo.make_queue_config(params)
end)
