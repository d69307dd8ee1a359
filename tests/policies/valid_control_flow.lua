-- Correct code the evaluator must see through: deleted keys, exclusive registrations,
-- type guards, constant conditions, idempotent setup helpers.
local kumo = require 'kumo'

local VALIDATING = _VALIDATING_CONFIG
if VALIDATING then
  kumo.on('init', function() end)
end
if not VALIDATING then
  kumo.on('init', function()
    kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
  end)
end

local mode = os.getenv('KUMO_MODE') or 'prod'
if mode == 'prod' then
  kumo.on('get_egress_path_config', function(domain, source, site)
    return kumo.make_egress_path { connection_limit = 10 }
  end)
end
if mode == 'dev' then
  kumo.on('get_egress_path_config', function(domain, source, site)
    return kumo.make_egress_path { enable_tls = 'Disabled' }
  end)
end

local setup_done = false
local function ensure_webhook()
  if setup_done then
    return
  end
  setup_done = true
  kumo.on('make.webhook', function(domain, tenant, campaign)
    return { send = function(self, message) return 'ok' end }
  end)
end
ensure_webhook()

local function rate(limit)
  if type(limit) == 'number' then
    return limit .. '/s'
  end
  return limit
end

local function burst(limit)
  return type(limit) == 'number' and (limit .. '/min') or limit
end

local function without_private(t)
  for key in pairs(t) do
    if key:sub(1, 1) == '_' then
      t[key] = nil
    end
  end
  return t
end

local DEBUG = false

kumo.on('smtp_server_message_received', function(msg, conn_meta)
  ensure_webhook()
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local cfg = { retry_interval = '1m', note = 'for humans' }
  cfg.note = nil
  if DEBUG then
    cfg.debug_trace = true
  end
  if domain == 'hooks.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { constructor = 'make.webhook' } } }
  end
  if domain == 'sink.internal' then
    return kumo.make_queue_config {
      protocol = { maildir_path = '/var/spool/sink', custom_lua = { constructor = 'never.used' } }, -- expect[invalid-value]
    }
  end
  if domain == 'fast.example' then
    return kumo.make_queue_config { max_message_rate = rate(100), retry_interval = (1 == 1) and '4m' or 'never' }
  end
  if domain == 'slow.example' then
    return kumo.make_queue_config { max_message_rate = burst(50), comment = nil }
  end
  if tenant == 'ops' then
    return kumo.make_queue_config(without_private { _owner = 'ops team', max_age = '2d' })
  end
  return kumo.make_queue_config(cfg)
end)

