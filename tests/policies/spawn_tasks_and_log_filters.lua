-- Background tasks and local log filters bound under their own names.
local kumo = require 'kumo'

local TASK <const> = 'metrics.push'

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
  kumo.configure_local_logs {
    log_dir = '/var/log/kumomta',
    filter_event = 'log.filter.bounces',
  }
  kumo.spawn_task { event_name = TASK, args = { 'http://metrics.internal:9091' } }
  kumo.spawn_task { event_name = 'dns.' .. 'prewarm', args = {} }
end)

kumo.on(TASK, function(args)
  local url = args[1]
  while true do
    kumo.sleep(60)
    kumo.http.build_client({}):post(url):body(kumo.prometheus_metrics and 'x' or ''):send()
  end
end)

kumo.on('dns.prewarm', function(args)
  for _, domain in ipairs { 'gmail.com', 'yahoo.com' } do
    kumo.dns.lookup_mx(domain)
  end
end)

kumo.on('log.filter.bounces', function(msg)
  local record = msg:get_meta('log_record')
  return record and record.kind == 'Bounce'
end)

kumo.on('log.filter.bounce', function(msg) -- expect[unknown-event]
  return true
end)
