local kumo = require 'kumo'

local M = {}

function M.config_for(domain)
  local batch = 1
  if domain:find('^bulk%.') then
    batch = 100
  end
  return kumo.make_queue_config {
    protocol = { custom_lua = { constructor = 'make.webhook', batch_size = batch } },
    retry_interval = '30s',
    max_age = '15m',
  }
end

return M
