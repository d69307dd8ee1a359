-- policy-extras.sources setup() registers get_egress_source and get_egress_pool itself:
-- binding them again is kumod's "event already has a handler defined" error.
local kumo = require 'kumo'
local sources = require 'policy-extras.sources'

sources:setup { '/opt/kumomta/etc/policy/egress_sources.toml' }

kumo.on('get_egress_source', function(source_name) -- expect[duplicate-handler]
  return kumo.make_egress_source { name = source_name, source_address = '10.0.0.1' }
end)

kumo.on('get_queue_config', function(domain, tenant)
  return kumo.make_queue_config { egress_pool = tenant or 'default' }
end)
