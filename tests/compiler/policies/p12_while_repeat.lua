local kumo = require 'kumo'

local function parent_domains(domain)
  local out = {}
  local rest = domain
  while rest and rest ~= '' do
    out[#out + 1] = rest
    local dot = rest:find('.', 1, true)
    if not dot then break end
    rest = rest:sub(dot + 1)
  end
  return out
end

local OVERRIDES = { ['example.com'] = '30m', ['co.uk'] = '45m' }

kumo.on('get_queue_config', function(domain)
  local parents = parent_domains(domain)
  local i = 0
  local found
  repeat
    i = i + 1
    found = OVERRIDES[parents[i]]
  until found or i >= #parents
  if found then
    return kumo.make_queue_config { retry_interval = found }
  end
end)
