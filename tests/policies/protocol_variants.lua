-- protocol must match one delivery variant.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'empty.internal' then
    return kumo.make_queue_config { protocol = {} } -- expect[invalid-value]
  end
  if domain == 'string.internal' then
    return kumo.make_queue_config { protocol = 'smtp' } -- expect[invalid-type]
  end
  if domain == 'xfer.internal' then
    return kumo.make_queue_config {
      protocol = { xfer = { target = '127.0.0.1:8000' } }, -- expect[invalid-value]
    }
  end
  if domain == 'xfer-ok.internal' then
    return kumo.make_queue_config { protocol = { xfer = { target = 'http://10.0.0.9:8000' } } }
  end
  if domain == 'lmtp.internal' then
    return kumo.make_queue_config { protocol = { smtp = { mx_list = { '/run/dovecot/lmtp' } } } }
  end
end)
