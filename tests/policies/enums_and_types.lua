-- Enum spellings are case-sensitive and nothing is coerced between Lua types.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if tenant == 'a' then
    return kumo.make_queue_config {
      strategy = 'skiplist', -- expect[invalid-value]
      refresh_strategy = 'TTL', -- expect[invalid-value]
      egress_pool = 1, -- expect[invalid-type]
      provider_name = false, -- expect[invalid-type]
    }
  end
  if tenant == 'b' then
    return kumo.make_queue_config {
      strategy = { SkipList = true }, -- expect[invalid-type]
      refresh_strategy = 1, -- expect[invalid-type]
    }
  end
  return kumo.make_queue_config {
    strategy = 'SkipList',
    refresh_strategy = 'Epoch',
    egress_pool = '',
    provider_name = 'Gmail',
  }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain) -- expect[unreachable-handler]
  return kumo.make_queue_config { strategy = 'TimerWheel', refresh_strategy = 'Ttl' }
end)
