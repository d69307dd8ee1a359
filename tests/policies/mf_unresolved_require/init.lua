-- A policy split into modules; two requires are typos of modules that exist, one of a
-- policy-extras helper. Modules that may come from package.path are not reported.
local kumo = require 'kumo'
local shaping = require 'policy-extras.shapping' -- expect[unresolved-require]
local sources = require 'policy-extras.sources'
local tuning = require 'lib.tunning' -- expect[unresolved-require]
local routing = require 'lib.routing'
local helpers = require 'lib.helpers'
local json = require 'dkjson'
local http = require 'resty.http'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local settings = tuning and tuning.for_domain(domain) or {}
  return kumo.make_queue_config {
    egress_pool = routing.pool_for(tenant),
    max_age = settings.max_age or '3 days',
  }
end)
