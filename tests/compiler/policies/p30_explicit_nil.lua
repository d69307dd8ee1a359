local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant)
  if domain == 'nil.example' then
    return nil
  end
  if domain == 'table.example' then
    return { retry_interval = '1m' }
  end
  if domain == 'error.example' then
    error('refusing ' .. domain)
  end
  if tenant == 'bad' then
    return kumo.make_queue_config { retry_interval = tenant .. 'x' }
  end
end)
