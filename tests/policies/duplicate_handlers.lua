-- Single-handler events bound twice, and the legitimate look-alikes.
local kumo = require 'kumo'

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
end)

kumo.on('init', function() -- expect[duplicate-handler]
  kumo.start_http_listener { listen = '127.0.0.1:8000' }
end)

-- get_queue_config and should_enqueue_log_record accept several handlers
kumo.on('get_queue_config', function(domain)
  if domain == 'a.example' then return kumo.make_queue_config { egress_pool = 'a' } end
end)
kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config { egress_pool = 'b' }
end)
kumo.on('should_enqueue_log_record', function(msg, hook_name) return true end)
kumo.on('should_enqueue_log_record', function(msg, hook_name) return false end) -- expect[unreachable-handler]
kumo.on('pre_init', function() end)
kumo.on('pre_init', function() end)

-- mutually exclusive branches: only one of them runs
if os.getenv('KUMO_ENV') == 'staging' then
  kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
    return kumo.make_egress_path { connection_limit = 1 }
  end)
else
  kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
    return kumo.make_egress_path { connection_limit = 32 }
  end)
end

-- custom names are single too
kumo.on('make.webhook', function(domain, tenant, campaign)
  return { send = function(self, msg) return 'ok' end }
end)
kumo.on('make.webhook', function(domain, tenant, campaign) -- expect[duplicate-handler]
  return { send = function(self, msg) return 'ok' end }
end)

kumo.on('smtp_server_message_received', function(msg, conn_meta) end)
kumo.on('smtp_server_message_received', function(msg, conn_meta) end) -- expect[duplicate-handler]

kumo.on('get_queue_config', function(domain) -- expect[unreachable-handler]
  return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.webhook' } } }
end)
