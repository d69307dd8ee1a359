-- Methods of the message and connection metadata objects kumod passes to handlers.
local kumo = require 'kumo'

local signer = kumo.dkim.rsa_sha256_signer {
  domain = 'example.com',
  selector = 'default',
  headers = { 'From', 'To', 'Subject' },
  key = '/opt/kumomta/etc/dkim/example.com/default.key',
}

local function sign(msg)
  msg:dkim_sign(signer)
  msg:dkim_sgin(signer) -- expect[unknown-method]
end

kumo.on('smtp_server_message_received', function(msg, conn_meta)
  local from = msg:from_header()
  msg:set_meta('tenant', msg:get_first_named_header_value('X-Tenant'))
  msg:set_meta('queue', msg:recipient().domain)
  msg:import_x_headers { 'x-campaign' }
  msg:remove_x_headers { 'x-campaign' }
  msg:import_scheduling_header('X-Schedule')
  if conn_meta:get_meta('authz_id') then
    msg:set_meta('authenticated', true)
  end
  local sender = msg:sender()
  kumo.log_info('accepted', msg:id(), sender.domain, from)
  msg:dkim_sgn(signer) -- expect[unknown-method]
  msg:get_meta 'tenant'
  msg:setmeta('x', 1) -- expect[unknown-method]
  conn_meta:get_mata 'received_from' -- expect[unknown-method]
  sign(msg)
end)

kumo.on('smtp_server_mail_from', function(sender, conn_meta)
  -- `sender` is an EnvelopeAddress, not a message: never judged
  sender:frobnicate()
  conn_meta:set_meta('mail_from', tostring(sender))
end)

local function wrap(inner)
  return setmetatable({ inner = inner }, { __index = function(_, name) return inner[name] end })
end

kumo.on('http_message_generated', function(msg)
  msg:prepend_header('X-Injected', 'http')
  msg:shrink()
  -- reassigned in one branch: the receiver is no longer provably the message
  if msg:get_meta('wrap') then
    msg = wrap(msg)
  end
  msg:wrapped_method()
end)

kumo.on('smtp_server_message_deferred_inject', function(message, meta)
  -- replaced by something else: never judged
  message = { custom = function() end }
  message:custom()
  meta:auth_info()
end)

kumo.on('throttle_insert_ready_queue', function(msg)
  local m = msg
  m:queue_name()
  m:num_attempts()
  m:set_dew(0) -- expect[unknown-method]
end)
