local kumo = require 'kumo'

-- First handler: only internal domains.
kumo.on('get_queue_config', function(domain)
  if domain:sub(-9) == '.internal' then
    return kumo.make_queue_config { protocol = { maildir_path = '/tmp/internal' } }
  end
end)

-- Second handler: tenants with a pool.
kumo.on('get_queue_config', function(domain, tenant)
  if tenant ~= nil and #tenant > 0 then
    return kumo.make_queue_config { egress_pool = 'pool-' .. tenant }
  end
  return
end)

-- Third: everything else with a long max_age.
kumo.on('get_queue_config', function(domain, tenant, campaign)
  if campaign then
    return kumo.make_queue_config { max_age = 2 * 24 * 3600 }
  end
end)
