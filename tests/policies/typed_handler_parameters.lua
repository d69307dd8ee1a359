-- Handler parameters have the types kumod passes (routing_domain is always a string,
-- tenant a string or nil): defensive branches for other types are dead code.
local kumo = require 'kumo'

local function site_rate(routing_domain)
  if type(routing_domain) ~= 'string' then
    return 100
  end
  return '100/s'
end

local function pool_for(tenant)
  if tenant == nil then
    return 'default'
  end
  if type(tenant) == 'number' then
    return tenant -- a number is never passed: not reported
  end
  return 'pool-' .. tenant
end

kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
  return kumo.make_egress_path { max_message_rate = site_rate(routing_domain) }
end)


-- a caller of the same helper with a real number still gets the finding
kumo.on('make.report', function(domain, tenant, campaign)
  local connection = {}
  function connection:send(message)
    return 'sent'
  end
  return connection
end)

kumo.on('get_queue_config', function(domain, tenant)
  if domain == 'reports.internal' then
    return kumo.make_queue_config {
      egress_pool = pool_for(7), -- expect[invalid-type]
      protocol = { custom_lua = { constructor = 'make.report' } },
    }
  end
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if type(domain) == 'table' then
    return kumo.make_queue_config { retry_interval = domain.retry } -- dead: domain is a string
  end
  return kumo.make_queue_config { egress_pool = pool_for(tenant), max_age = '2 weeks' }
end)
