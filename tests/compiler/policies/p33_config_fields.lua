-- Reads fields back from configs: unset options are kumod's NULL (truthy userdata),
-- also under pairs; the observations become the returned config's provider_name.
local kumo = require 'kumo'

local BASE = kumo.make_queue_config { retry_interval = '10m', egress_pool = 'base-pool' }
local BARE = kumo.make_queue_config {}
local MAILDIR = kumo.make_queue_config { protocol = { maildir_path = '/var/tmp/kumo-maildir' } }

local function seen(cfg)
  local parts = {}
  for key, value in pairs(cfg) do
    parts[#parts + 1] = key .. '=' .. type(value)
  end
  return table.concat(parts, ',')
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'bare.example' then
    local pool = BARE.egress_pool
    local truthy = pool and 'truthy' or 'falsy'
    return kumo.make_queue_config {
      provider_name = truthy .. ':' .. type(pool) .. ':' .. tostring(pool == BARE.provider_name)
        .. ':' .. tostring(BARE.no_such_field),
      egress_pool = BARE.provider_name and 'null-pool' or 'nil-pool',
    }
  end
  if domain == 'pairs.example' then
    return kumo.make_queue_config { provider_name = seen(BARE) }
  end
  if domain == 'maildir.example' then
    local proto = MAILDIR.protocol
    return kumo.make_queue_config {
      provider_name = type(proto.dir_mode) .. '/' .. proto.maildir_path,
      max_retry_interval = BASE.max_retry_interval,
    }
  end
  if domain == 'copy.example' then
    -- a NULL passed back into make_queue_config is the same as leaving the key out
    return kumo.make_queue_config { egress_pool = BASE.egress_pool, max_message_rate = BASE.max_message_rate,
      retry_interval = BASE.retry_interval }
  end
  return BASE
end)
