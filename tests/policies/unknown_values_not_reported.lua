-- Values from data files, loops and parameters are unknown: nothing here is reported.
local kumo = require 'kumo'

local domains = kumo.serde.json_load '/opt/kumomta/etc/policy/domains.json'
local tenants = kumo.toml_load '/opt/kumomta/etc/policy/tenants.toml'

local RETRY = {}
for name, entry in pairs(domains) do
  RETRY[name] = entry.retry_interval
end

local rate = nil
for _, line in ipairs({ '10/s', '20/s' }) do
  rate = line .. 'econds'
end

local function queue_for(settings)
  return kumo.make_queue_config {
    retry_interval = settings.retry,
    max_age = settings.max_age,
    egress_pool = settings.pool,
  }
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local entry = domains[domain] or {}
  local t = tenants[tenant] or {}
  if entry.custom then
    return queue_for(entry)
  end
  return kumo.make_queue_config {
    retry_interval = RETRY[domain],
    max_age = t.max_age or entry.max_age,
    egress_pool = t.pool,
    max_message_rate = rate,
    strategy = entry.strategy,
    protocol = entry.protocol,
  }
end)
