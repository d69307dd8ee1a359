local kumo = require 'kumo'

local BASE_SECONDS = 60

local function backoff(level)
  local secs = BASE_SECONDS * 2 ^ level
  if secs > 3600 then secs = 3600 end
  return math.floor(secs)
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local level = #domain % 7
  local retry = backoff(level)
  local max_retry = math.max(retry * 4, 600)
  return kumo.make_queue_config {
    retry_interval = retry,
    max_retry_interval = max_retry,
    refresh_interval = 30 + level // 2,
    reap_interval = 10.5 * 60,
  }
end)
