local kumo = require 'kumo'

local function merge(...)
  local out = {}
  for i = 1, select('#', ...) do
    local t = select(i, ...)
    if t then
      for k, v in pairs(t) do
        out[k] = v
      end
    end
  end
  return out
end

local BASE = { retry_interval = '10m', max_age = '2days' }
local FAST = { retry_interval = '1m' }
local SLOW = { max_retry_interval = '4h' }

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local extra = nil
  if tenant == 'fast' then extra = FAST elseif tenant == 'slow' then extra = SLOW end
  return kumo.make_queue_config(merge(BASE, extra, nil))
end)
