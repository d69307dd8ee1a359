local kumo = require 'kumo'

local RULES = {
  { pattern = '%.edu$', rate = '50/m' },
  { pattern = '^mail%d+%.', rate = '10/s' },
  { pattern = 'bank', rate = '100/h,max_burst=5' },
}

local function rate_for(domain)
  for _, rule in ipairs(RULES) do
    if string.find(domain, rule.pattern) then
      return rule.rate
    end
  end
  return nil
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local rate = rate_for(domain:lower())
  if rate then
    return kumo.make_queue_config { max_message_rate = rate }
  end
end)
