-- Custom event names are fine when something fires them: spawn_task, filter_event,
-- keysources, disposition hooks and custom_lua constructors.
local kumo = require 'kumo'

kumo.on('init', function()
  kumo.configure_local_logs {
    log_dir = '/var/log/kumomta',
    filter_event = 'local_log_filter',
  }
  kumo.configure_log_disposition_hook { name = 'audit' }
  kumo.spawn_task { event_name = 'warm.caches', args = { 'mx', 'dkim' } }
  kumo.start_esmtp_listener {
    listen = '0.0.0.0:587',
    tls_private_key = { event_name = 'tls.key', event_args = { 'mail.example.com' } },
  }
end)

kumo.on('local_log_filter', function(msg)
  return msg:get_meta('log') ~= 'no'
end)

kumo.on('log_disposition_audit', function(msg, record) end)

kumo.on('warm.caches', function(args)
  for _, what in ipairs(args) do
    kumo.log_info('warming ' .. what)
  end
end)

kumo.on('tls.key', function(host)
  return kumo.secrets.load { vault_path = 'tls/' .. host, vault_mount = 'secret' }
end)

kumo.on('dkim.key', function(domain, selector)
  return kumo.secrets.load { vault_path = 'dkim/' .. domain .. '/' .. selector, vault_mount = 'secret' }
end)

local signers = {}
local function signer_for(domain)
  if not signers[domain] then
    signers[domain] = kumo.dkim.rsa_sha256_signer {
      domain = domain,
      selector = 's1',
      headers = { 'From', 'To', 'Subject', 'Date', 'Message-ID' },
      key = { event_name = 'dkim.key', event_args = { domain, 's1' } },
    }
  end
  return signers[domain]
end

kumo.on('smtp_server_message_received', function(msg, conn_meta)
  msg:dkim_sign(signer_for(msg:from_header().domain))
end)

kumo.on('http_message_generated', function(msg)
  msg:dkim_sign(signer_for(msg:from_header().domain))
end)
