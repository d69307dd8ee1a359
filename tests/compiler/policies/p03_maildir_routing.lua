local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain:match('^sink%.') or domain:find('.test', 1, true) then
    return kumo.make_queue_config {
      protocol = {
        maildir_path = '/var/spool/maildir/' .. domain:lower(),
        dir_mode = tonumber('775', 8),
        file_mode = tonumber('664', 8),
      },
    }
  end
end)
