local helper = require 'lib.helper' -- expect[unresolved-require]
local M = {}

function M.pool_for(tenant)
  if tenant == 'bulk' then
    return 'bulk-pool'
  end
  return 'default-pool'
end

return M
