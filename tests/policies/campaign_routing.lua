-- Campaign-aware routing: domains matched by pattern, campaign overrides and a default.
local kumo = require 'kumo'

local BIG_PROVIDERS = {
  { pattern = '^gmail%.com$', pool = 'pool-google', rate = '2000/h' },
  { pattern = '^googlemail%.com$', pool = 'pool-google', rate = '2000/h' },
  { pattern = 'yahoo%.', pool = 'pool-yahoo', rate = '500/hr' },
  { pattern = '^outlook%.', pool = 'pool-ms', rate = '1_000/hour' },
}

local CAMPAIGN_RETRY <const> = {
  blackfriday = '5m',
  weekly = '30m',
  reactivation = '2 hour', -- humantime accepts the singular
  winback = '2 Hours', -- expect[invalid-duration]
}

local function provider_for(domain)
  for _, provider in ipairs(BIG_PROVIDERS) do
    if domain:match(provider.pattern) then
      return provider
    end
  end
  return nil
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local provider = provider_for(domain)
  local params = {
    retry_interval = CAMPAIGN_RETRY[campaign] or '20m',
    max_age = campaign and '1 day' or '3 days',
  }
  if provider then
    params.egress_pool = provider.pool
    params.max_message_rate = provider.rate
  elseif string.find(domain, '.edu', 1, true) then
    params.egress_pool = 'pool-edu'
    params.max_message_rate = '100/hours' -- expect[invalid-value]
  else
    params.egress_pool = 'pool-default'
  end
  return kumo.make_queue_config(params)
end)
