-- A marketing agency: tenants from a header, JSON data with comments, inline queue
-- data, a disposition hook, shaping overrides in a second file.
local kumo = require 'kumo'
local log_hooks = require 'policy-extras.log_hooks'
local sources = require 'policy-extras.sources'
local shaping = require 'policy-extras.shaping'
local listener_domains = require 'policy-extras.listener_domains'
local dkim_sign = require 'policy-extras.dkim_sign'
local queue_module = require 'policy-extras.queue'

log_hooks:new_disposition_hook {
  name = 'bounces',
  hook = function(record) return end,
}
log_hooks:new {
  name = 'archive',
  batch_size = 50,
  max_batch_latency = '5s',
  constructor = function(domain, tenant, campaign)
    return {}
  end,
}

sources:setup { '/opt/kumomta/etc/policy/data/sources.json' }

local get_egress_path_config = shaping:setup {
  '/opt/kumomta/etc/policy/data/shaping.toml',
  '/opt/kumomta/etc/policy/data/shaping-local.toml',
}
kumo.on('get_egress_path_config', get_egress_path_config)

kumo.on('get_listener_domain', listener_domains:setup {
  '/opt/kumomta/etc/policy/data/listeners.json',
  { ['agency.example'] = { relay_to = true, relay_from_authz = { 'ops' } } },
})

local sign = dkim_sign:setup { '/opt/kumomta/etc/policy/data/dkim.toml' }

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'sink.invalid' then
    return kumo.make_queue_config { protocol = { maildir_path = '/var/tmp/sink' } }
  end
end)

local queue_helper = queue_module:setup_with_options {
  file_names = {
    '/opt/kumomta/etc/policy/data/queues.toml',
    {
      tenants = { vip = { egress_pool = 'warm', max_age = '6h' } },
      queues = { ['outlook.com'] = { retry_interval = '7m', tenants = {} } },
    },
  },
}

kumo.on('smtp_server_message_received', function(msg)
  queue_helper:apply(msg)
  sign(msg)
end)
