local kumo = require 'kumo'

local function normalize(domain)
  local d = domain:lower():gsub('^www%.', '')
  d = d:gsub('%s+', '')
  return d
end

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local d = normalize(domain)
  local label = d:match('^([^.]+)') or 'x'
  local provider = ('%s-%d'):format(label:upper(), #d)
  return kumo.make_queue_config { provider_name = provider, egress_pool = string.rep('p', 2, '-') .. '-' .. label }
end)
