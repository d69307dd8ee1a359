-- get_queue_config handlers that pass to the next handler, correctly and incorrectly.
local kumo = require 'kumo'

local function pool_for(domain)
  if domain:match('%.local$') then
    return nil -- a helper returning nil is fine
  end
  return 'pool-' .. domain
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if tenant == nil then
    return nil -- expect[nil-return]
  end
  if domain == 'skip.example' then
    return
  end
  return kumo.make_queue_config { egress_pool = pool_for(domain) }
end)

kumo.on('get_queue_config', function(domain)
  if domain:find('example', 1, true) then return nil end -- expect[nil-return]
end)

kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config {}
end)

-- should_enqueue_log_record: an explicit nil means false there, not an error for this rule
kumo.on('should_enqueue_log_record', function(msg, hook_name)
  if hook_name ~= 'webhook' then
    return nil
  end
  return true
end)

kumo.on('get_listener_domain', function(domain, listener, conn_meta)
  if domain == 'relay.example' then
    return kumo.make_listener_domain { relay_to = true }
  end
  return nil
end)
