-- Per-provider pacing, keyed by the provider's domains.
local M = {}

local PROVIDERS = {
  { name = 'google', match = { 'gmail.com', 'googlemail.com' }, retry_interval = '15m', rate = '2000/h' },
  { name = 'yahoo', match = { 'yahoo.com', 'aol.com' }, retry_interval = '30m', rate = '500/h' },
}

function M.provider_for(domain)
  for _, provider in ipairs(PROVIDERS) do
    for _, candidate in ipairs(provider.match) do
      if domain == candidate then
        return provider
      end
    end
  end
  return nil
end

return M
