local kumo = require 'kumo'
local durations = require 'policy.shared.durations'

local M = {}

local CLASSES = {
  bulk = { retry_interval = durations.SLOW, max_age = durations.WEEK },
  otp = { retry_interval = durations.FAST, max_age = durations.HOUR },
  digest = { retry_interval = durations.BROKEN, max_age = durations.WEEK },
}

function M.get_queue_config(domain, tenant, campaign, routing_domain)
  local class = CLASSES[campaign] or CLASSES.bulk
  return kumo.make_queue_config {
    retry_interval = class.retry_interval,
    max_age = class.max_age,
  }
end

return M
