local kumo = require 'kumo'

local DATA = kumo.json_parse('{"domains": {"gmail.com": {"pool": "g", "retry": 120}, "yahoo.com": {"pool": "y", "retry": 240.5}}, "hosts": ["a.example", "b.example"]}')

kumo.on('get_queue_config', function(domain, tenant)
  local entry = DATA.domains[domain]
  if entry then
    return kumo.make_queue_config { egress_pool = entry.pool, retry_interval = entry.retry }
  end
  if tenant == 'relay' then
    return kumo.make_queue_config { protocol = { smtp = { mx_list = DATA.hosts } } }
  end
end)
