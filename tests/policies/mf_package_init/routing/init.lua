local kumo = require 'kumo'

local M = {}
local routes = {}

function M.reload(path)
  routes = kumo.serde.json_load(path)
end

function M.start_refresh(path)
  kumo.spawn_task { event_name = 'routing.refresh', args = { path } }
end

function M.queue_config(domain, tenant)
  local route = routes[domain]
  if route == nil then
    return
  end
  if route.kind == 'smarthost' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = route.hosts } },
      max_message_rate = route.rate,
    }
  end
  return kumo.make_queue_config {
    egress_pool = tenant,
    max_message_rate = '1_000/h,max_burst=50',
    retry_interval = '5 minute',
    max_age = '36hours', -- not a typo: humantime allows no space
    reap_interval = '5 Minute', -- expect[invalid-duration]
  }
end

return M
