-- Delivery/bounce events posted to a webhook through a log hook and a custom_lua queue.
local kumo = require 'kumo'

local WEBHOOK_URL <const> = 'https://hooks.example.com/kumomta'

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
  kumo.configure_log_hook {
    name = 'webhook',
    headers = { 'Subject', 'X-Campaign' },
    per_record = {
      Reception = { enable = false },
      Delivery = { enable = true },
    },
  }
end)

kumo.on('should_enqueue_log_record', function(msg, hook_name)
  local log_record = msg:get_meta('log_record')
  if log_record.queue == 'webhook' then
    return false -- do not log the webhook deliveries themselves
  end
  if hook_name ~= 'webhook' then
    return
  end
  msg:set_meta('queue', 'webhook')
  return true
end)

kumo.on('make.webhook', function(domain, tenant, campaign)
  local client = kumo.http.build_client {}
  return {
    send = function(self, message)
      local response = client:post(WEBHOOK_URL):header('Content-Type', 'application/json'):body(message:get_data()):send()
      if response:status_is_success() then
        return response:status_reason()
      end
      kumo.reject(400, string.format('webhook said %d', response:status_code()))
    end,
    close = function(self)
      client:close()
    end,
  }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'webhook' then
    return kumo.make_queue_config {
      protocol = {
        custom_lua = { constructor = 'make.webhook', batch_size = 1, max_batch_latency = '0' },
      },
      retry_interval = '1m',
      max_retry_interval = '10m',
      max_age = '2 hours',
    }
  end
  return kumo.make_queue_config {}
end)
