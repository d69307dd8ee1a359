-- A multi-tenant policy the way operators write it: per-domain settings,
-- tenant pools, a webhook queue through custom_lua and a maildir sink.
local kumo = require 'kumo'

local DEFAULT_RETRY <const> = '20 minutes'

local DOMAIN_SETTINGS = {
  ['gmail.com'] = { max_message_rate = '500/min', retry_interval = '15m' },
  ['yahoo.com'] = { max_message_rate = '200/minutes' }, -- expect[invalid-value]
  ['outlook.com'] = { retry_interval = '1:30' }, -- expect[invalid-duration]
  ['aol.com'] = { retry_interval = '1M' },
}

local TENANT_POOLS = {
  marketing = 'pool-marketing',
  transactional = 'pool-tx',
  legacy = 42, -- expect[invalid-type]
}

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
  kumo.start_http_listener { listen = '127.0.0.1:8000' }
end)

kumo.on('make.webhook', function(domain, tenant, campaign)
  local connection = {}
  function connection:send(message)
    return 'ok'
  end
  return connection
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'webhook.internal' then
    return kumo.make_queue_config {
      protocol = {
        custom_lua = { constructor = 'make.webhook', batch_size = 100 / 2 }, -- expect[invalid-type]
      },
    }
  end
  if domain == 'sink.internal' then
    return kumo.make_queue_config {
      protocol = { maildir_path = '/var/spool/kumo/{{ domain_part }}', dir_mode = tonumber('775', 8) },
    }
  end
  local settings = DOMAIN_SETTINGS[domain] or {}
  return kumo.make_queue_config {
    egress_pool = TENANT_POOLS[tenant] or 'default',
    retry_interval = settings.retry_interval or DEFAULT_RETRY,
    max_message_rate = settings.max_message_rate,
    max_age = '3 Days', -- expect[invalid-duration]
    refresh_strategy = 'TTL', -- expect[invalid-value]
    max_deliveries_per_connection = 100, -- expect[unknown-key]
  }
end)
