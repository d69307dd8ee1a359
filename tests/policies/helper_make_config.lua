-- A helper building queue configs: values come from the callers' arguments, and the
-- finding points at the literal in the call, not at the helper.
local kumo = require 'kumo'

local function mk(pool, retry, rate)
  return kumo.make_queue_config {
    egress_pool = pool,
    retry_interval = retry,
    max_message_rate = rate,
  }
end

local function relay(host, port)
  return kumo.make_queue_config {
    protocol = { smtp = { mx_list = { { name = host, addr = port } } } },
  }
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'gmail.com' then
    return mk('pool-gmail', '15m', '500/min')
  elseif domain == 'yahoo.com' then
    return mk('pool-yahoo', '15 Minutes', '200/min') -- expect[invalid-duration]
  elseif domain == 'aol.com' then
    return mk('pool-aol', '10m', '50/hours') -- expect[invalid-value]
  elseif domain == 'relay.internal' then
    return relay('relay', '10.1.2.3:25')
  elseif domain == 'bad-relay.internal' then
    return relay('relay', 'relay.example.net') -- expect[invalid-value]
  end
  return mk(tenant or 'default', 1200, nil)
end)
