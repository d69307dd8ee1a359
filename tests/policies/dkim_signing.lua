-- DKIM signing with keys from a secrets event, in the reception handlers.
local kumo = require 'kumo'

local SELECTORS <const> = { ['example.com'] = 's2024', ['example.net'] = 'mail' }

kumo.on('dkim.load_key', function(domain, selector)
  return kumo.secrets.load { vault_mount = 'secret', vault_path = 'dkim/' .. domain .. '/' .. selector }
end)

local function sign(msg)
  local domain = msg:from_header().domain
  local selector = SELECTORS[domain]
  if not selector then
    return
  end
  local signer = kumo.dkim.rsa_sha256_signer {
    domain = domain,
    selector = selector,
    headers = { 'From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version' },
    key = { event_name = 'dkim.load_key', event_args = { domain, selector } },
    over_sign = true,
  }
  msg:dkim_sign(signer)
end

kumo.on('smtp_server_message_received', function(msg, conn_meta)
  sign(msg)
end)

kumo.on('http_message_generated', function(msg, auth_info)
  sign(msg)
end)

