local kumo = require 'kumo'

local RELAYS = { 'relay-c.example.net', 'relay-a.example.net', 'relay-b.example.net' }

kumo.on('get_queue_config', function(domain, tenant)
  if domain ~= 'relay.example.org' and tenant ~= 'relayed' then return end
  local hosts = {}
  for _, h in ipairs(RELAYS) do table.insert(hosts, h) end
  table.sort(hosts)
  if tenant == 'relayed' then
    table.remove(hosts, 1)
    table.insert(hosts, 1, 'first.example.net')
  end
  return kumo.make_queue_config {
    protocol = { smtp = { mx_list = hosts } },
    provider_name = table.concat(hosts, ',', 1, 2),
  }
end)
