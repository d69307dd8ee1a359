local kumo = require 'kumo'

local function split(name)
  local user, host = name:match('^([^@]*)@(.*)$')
  if not user then return nil, name end
  return user, host
end

local function classify(domain)
  local first, second, third = domain:match('^(%w+)%.(%w+)%.?(%w*)$')
  return first, second, third
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local a, b, c = classify(domain)
  local user, host = split(tenant or '')
  local parts = { classify(domain) }
  local name = (a or '?') .. '/' .. (b or '?') .. '/' .. tostring(c ~= '' and c or nil) .. '/' .. #parts
  return kumo.make_queue_config { provider_name = name, egress_pool = host ~= '' and host or nil }
end)
