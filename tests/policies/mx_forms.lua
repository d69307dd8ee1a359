-- Smart-host routing through protocol.smtp.mx_list: every accepted form, and the rejected ones.
local kumo = require 'kumo'

local RELAYS <const> = {
  'mx.example.com',
  '[10.0.0.1]',
  'relay:2025',
  '/run/lmtp.sock',
  '10.0.0.2',
  '[IPv6:2001:db8::1]',
  { name = 'mx6', addr = '[::1]:2525', is_secure = true },
  { name = 'backup', addr = '10.0.0.26:2525' },
  { 'mx.example.net', '10.0.0.3' },
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'relay.internal' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = RELAYS, treat_mx_list_as_secure = true } },
    }
  end
  if domain == 'default.internal' then
    return kumo.make_queue_config { protocol = { smtp = {} } }
  end
  if domain == 'json.internal' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = kumo.serde.json_parse('[]') } },
    }
  end
  if domain == 'empty.internal' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = {} } }, -- expect[invalid-value]
    }
  end
  if domain == 'string.internal' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = 'mx.example.com' } }, -- expect[invalid-type]
    }
  end
  if domain == 'hostaddr.internal' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = { { name = 'mx', addr = 'mx.example.com' } } } }, -- expect[invalid-value]
    }
  end
  if domain == 'noname.internal' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = { { addr = '10.0.0.1' } } } }, -- expect[missing-key]
    }
  end
  return kumo.make_queue_config {
    protocol = { smtp = { mx_list = { 'relay.example.net' }, treat_mx_list_as_secure = 1 } }, -- expect[invalid-type]
  }
end)
