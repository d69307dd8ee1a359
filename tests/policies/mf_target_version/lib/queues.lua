local kumo = require 'kumo'

local M = {}

function M.config(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    retry_interval = 600,
    max_message_rate = '100/h', -- available since 2024.06.10: fine
    refresh_strategy = 'Epoch', -- available since 2024.11.08: fine
    shrink_policy = { { interval = '1h', policy = 'ShrinkData' } }, -- expect[requires-newer-kumomta]
  }
end

return M
