local kumo = require 'kumo'

local ROUTES = {
  ['relay.example.net'] = { 'smtp1.example.net', 'smtp2.example.net' },
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if routing_domain then
    local hosts = ROUTES[routing_domain]
    if hosts then
      return kumo.make_queue_config { protocol = { smtp = { mx_list = hosts } } }
    end
    return kumo.make_queue_config { protocol = { smtp = { mx_list = { routing_domain } } } }
  end
  if tenant == '' then
    return kumo.make_queue_config { provider_name = 'empty-tenant' }
  end
end)
