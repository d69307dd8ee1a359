-- A correct policy: every queue goes through smart hosts, with tricky but valid values.
local kumo = require 'kumo'
local utils = require 'policy-extras.policy_utils'

local SMARTHOSTS <const> = { 'relay1.example.net', '[10.0.0.25]', 'relay2.example.net:2525' }
local HOURS = 60 * 60

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local params = {
    retry_interval = HOURS / 2,
    max_retry_interval = '2h',
    max_age = '1.5 days',
    strategy = 'SkipList',
    refresh_strategy = 'Epoch',
    max_message_rate = 'local:1_000/h,max_burst=50',
    shrink_policy = {
      { interval = 0, policy = 'ShrinkData' },
      { interval = '60 s', policy = 'ShrinkDataAndMeta' },
    },
    protocol = {
      smtp = {
        mx_list = {
          SMARTHOSTS[1],
          { name = 'backup', addr = '10.0.0.26:2525' },
        },
      },
    },
  }
  if tenant then
    params.egress_pool = 'tenant-' .. tenant
  end
  if domain:match('%.internal$') then
    return
  end
  return kumo.make_queue_config(params)
end)

kumo.on('get_queue_config', function(domain, tenant)
  return kumo.make_queue_config { max_age = 86400 * 2 }
end)
