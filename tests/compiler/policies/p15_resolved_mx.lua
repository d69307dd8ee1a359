local kumo = require 'kumo'

local LMTP = {
  ['lmtp.example'] = { { name = 'lmtp', addr = '/run/dovecot/lmtp' } },
  ['v6.example'] = { { name = 'mx6', addr = '[2001:db8::1]:2525', is_secure = true } },
  ['v4.example'] = { { name = 'mx4', addr = '10.0.0.1:25' }, 'backup.v4.example' },
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local mx = LMTP[routing_domain or domain]
  if mx then
    return kumo.make_queue_config { protocol = { smtp = { mx_list = mx, treat_mx_list_as_secure = domain == 'v6.example' } } }
  end
end)
