-- Routing test domains into maildirs.
local kumo = require 'kumo'

local SINKS = {
  ['sink.example'] = { maildir_path = '/var/tmp/kumo-sink/{{ domain_part }}/{{ local_part }}', dir_mode = tonumber('775', 8), file_mode = tonumber('664', 8) },
  ['octal.example'] = { maildir_path = '/var/tmp/octal', dir_mode = '0775' }, -- expect[invalid-type]
  ['power.example'] = { maildir_path = '/var/tmp/power', dir_mode = 8 ^ 3 }, -- expect[invalid-type]
  ['negative.example'] = { maildir_path = '/var/tmp/neg', file_mode = -1 }, -- expect[invalid-value]
  ['floor.example'] = { maildir_path = '/var/tmp/floor', dir_mode = 511 // 1, file_mode = 0 },
  ['relative.example'] = { maildir_path = 'maildirs/relative' },
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local sink = SINKS[domain]
  if sink then
    return kumo.make_queue_config { protocol = sink, retry_interval = '1m' }
  end
  if domain:match('^test%-%d+%.example$') then
    return kumo.make_queue_config { protocol = { maildir_path = '/var/tmp/tests/' .. domain } }
  end
end)
