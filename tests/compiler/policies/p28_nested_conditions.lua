local kumo = require 'kumo'

local VIP = { acme = true, globex = true }

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local is_vip = tenant and VIP[tenant] or false
  local is_bulk = campaign ~= nil and not is_vip
  local retry
  if is_vip and (domain:find('gmail') or domain:find('yahoo')) then
    retry = '1m'
  elseif is_vip then
    retry = '2m'
  elseif is_bulk and #campaign > 5 then
    retry = '30m'
  elseif is_bulk then
    retry = '25m'
  else
    retry = nil
  end
  return kumo.make_queue_config { retry_interval = retry, provider_name = tostring(is_vip) .. '/' .. tostring(is_bulk) }
end)
