-- get_queue_config handlers run in registration order until one returns a value.
local kumo = require 'kumo'
local queue_module = require 'policy-extras.queue'

local SPECIAL = { ['vip.example'] = 'pool-vip' }

-- passes on (bare return) for domains it does not handle: later handlers still run
kumo.on('get_queue_config', function(domain, tenant)
  local pool = SPECIAL[domain]
  if not pool then
    return
  end
  return kumo.make_queue_config { egress_pool = pool }
end)

-- a helper's handler is registered here, after the pass-through one: reachable
queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }

-- the catch-all: returns a value on every path
kumo.on('get_queue_config', function(domain, tenant)
  if tenant == 'bulk' then
    return kumo.make_queue_config { egress_pool = 'pool-bulk', max_age = '1day' }
  else
    return kumo.make_queue_config { egress_pool = 'pool-default' }
  end
end)

-- registered after the catch-all: never runs
kumo.on('get_queue_config', function(domain) -- expect[unreachable-handler]
  if domain == 'late.example' then
    return kumo.make_queue_config { egress_pool = 'pool-late' }
  end
end)

-- log filtering: the same chain rule
kumo.on('should_enqueue_log_record', function(msg, hook_name)
  if hook_name == 'webhook' then
    return true
  end
end)
kumo.on('should_enqueue_log_record', function(msg, hook_name)
  return false
end)
