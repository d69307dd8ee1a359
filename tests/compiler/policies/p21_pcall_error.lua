local kumo = require 'kumo'

local function strict_lookup(t, key)
  local v = t[key]
  if v == nil then
    error('no entry for ' .. tostring(key))
  end
  return v
end

local RATES = { ['gmail.com'] = '100/s', ['yahoo.com'] = '50/s' }

kumo.on('get_queue_config', function(domain, tenant)
  local ok, rate = pcall(strict_lookup, RATES, domain)
  if ok then
    return kumo.make_queue_config { max_message_rate = rate }
  end
  local ok2, cfg = pcall(kumo.make_queue_config, { retry_interval = tenant or 'bogus' })
  if ok2 then return cfg end
  return kumo.make_queue_config { provider_name = type(rate) }
end)
