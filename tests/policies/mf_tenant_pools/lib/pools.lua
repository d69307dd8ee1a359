-- Tenant to pool mapping shared by the policy.
local M = {}

M.TENANT_POOLS = {
  acme = 'pool-acme',
  globex = 'pool-globex',
  hooli = 7, -- expect[invalid-type]
}

M.SOURCES = {
  ['ip-1'] = { name = 'ip-1', source_address = '10.0.0.1' },
  ['ip-2'] = { name = 'ip-2', source_address = '10.0.0.2' },
}

M.POOL_ENTRIES = {
  ['pool-acme'] = { { name = 'ip-1' } },
  ['pool-globex'] = { { name = 'ip-2', weight = 2 } },
}

local RETRY = {
  ['gmail.com'] = '15m',
  ['yahoo.com'] = '15 min',
  ['hotmail.com'] = '15 Min', -- expect[invalid-duration]
}

function M.retry_for(domain)
  return RETRY[domain] or '20m'
end

return M
