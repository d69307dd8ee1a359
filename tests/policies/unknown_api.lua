-- kumo.* names that do not exist, next to ones that do.
local kumo = require 'kumo'

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25', relay_hosts = { '127.0.0.1', '10.0.0.0/8' } }
  kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data' }
  kumo.define_spool { name = 'meta', path = '/var/spool/kumomta/meta' }
  kumo.configure_local_logs { log_dir = '/var/log/kumomta', max_segment_duration = '1 minute' }
  kumo.set_diagnostic_log_filter 'kumod=info'
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local overrides = kumo.serde.json_parse('{"max_age": "2 days"}')
  if domain:match('^bounce%.') then
    return kumo.QueueConfig { egress_pool = 'bounces' } -- expect[unknown-api]
  end
  if domain:find('.test', 1, true) then
    return kumo.make_queue_configs { egress_pool = 'test' } -- expect[unknown-api]
  end
  kumo.log_info('queue config for ' .. domain)
  return kumo.make_queue_config { max_age = overrides.max_age }
end)

kumo.on('smtp_server_message_received', function(msg, conn_meta)
  local id = kumo.uuid.new_v4()
  msg:set_meta('queue', msg:recipient().domain)
  kumo.json_encoded(msg:get_meta('queue')) -- expect[unknown-api]
end)
