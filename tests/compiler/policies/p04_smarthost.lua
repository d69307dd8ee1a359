local kumo = require 'kumo'

local SMARTHOSTS = {
  ['corp.example'] = { 'relay1.corp.example', 'relay2.corp.example:2525' },
  ['partner.example'] = { '[10.1.2.3]' },
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local target = routing_domain or domain
  local hosts = SMARTHOSTS[target]
  if not hosts then
    return
  end
  local mx = {}
  for i, host in ipairs(hosts) do
    mx[#mx + 1] = host
  end
  return kumo.make_queue_config {
    protocol = { smtp = { mx_list = mx } },
    retry_interval = '1m',
  }
end)
