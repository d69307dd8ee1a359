-- Per-domain tuning and tenant pools, kept apart from init.lua.
local M = {}

M.TENANTS = {
  marketing = 'pool-marketing',
  transactional = 'pool-transactional',
}

M.DOMAINS = {
  ['gmail.com'] = { rate = '2000/h', retry_interval = '10m' },
  ['yahoo.com'] = { rate = '500/hours' },
  ['corp.example.com'] = {
    retry_interval = '1:30',
    smarthosts = { 'relay.corp.example.com', '[10.1.2.3]:2525' },
  },
}

return M
