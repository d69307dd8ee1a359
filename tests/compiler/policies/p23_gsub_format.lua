local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local safe = domain:gsub('[^%w]', '_')
  local count
  safe, count = safe:gsub('_', '-')
  local provider = string.format('%s:%03d:%5.2f', safe, count, count / 3)
  local path = ('/maildirs/%s/%s'):format(tenant or 'default', domain)
  if campaign == 'archive' then
    return kumo.make_queue_config { protocol = { maildir_path = path } }
  end
  return kumo.make_queue_config { provider_name = provider }
end)
