local kumo = require 'kumo'

kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
end)

kumo.on('get_queue_config', function(domain)
  if domain == 'local.internal' then
    return kumo.make_queue_config { protocol = { maildir_path = '/var/tmp/local' } }
  end
end)
