-- Per-domain retry settings for the big mailbox providers.
local kumo = require 'kumo'

local PROVIDERS = {
  ['gmail.com'] = { retry_interval = '5m', max_retry_interval = '1h' },
  ['googlemail.com'] = { retry_interval = '5m', max_retry_interval = '1h' },
  ['yahoo.com'] = { retry_interval = '15m', max_age = '3 days' },
  ['outlook.com'] = { retry_interval = '10m', max_message_rate = '500/h' },
  ['hotmail.com'] = { retry_interval = '10m', max_message_rate = '500/h' },
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local params = PROVIDERS[domain]
  if params then
    return kumo.make_queue_config(params)
  end
  return kumo.make_queue_config {}
end)
