local M = {}

M.DEFAULTS = { retry_interval = '20m', max_age = '5days' }

M.OVERRIDES = {
  ['gmail.com'] = { retry_interval = '3m' },
  ['aol.com'] = { max_message_rate = '20/m' },
}

function M.for_domain(domain)
  local out = {}
  for k, v in pairs(M.DEFAULTS) do out[k] = v end
  for k, v in pairs(M.OVERRIDES[domain] or {}) do out[k] = v end
  return out
end

return M
