local kumo = require 'kumo'

local function counter_factory()
  local count = 0
  return function()
    count = count + 1
    return count
  end, function()
    return count
  end
end

local bump, peek = counter_factory()

local builders = {}
for i = 1, 3 do
  local minutes = i * 5
  builders[i] = function() return minutes .. 'm' end
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  bump()
  local index = (#domain % 3) + 1
  return kumo.make_queue_config {
    retry_interval = builders[index](),
    max_age = peek() > 0 and '1day' or '2days',
  }
end)
