-- JSON data files, several sources files merged in order.
local kumo = require 'kumo'
local sources = require 'policy-extras.sources'
local listener_domains = require 'policy-extras.listener_domains'
local dkim_sign = require 'policy-extras.dkim_sign'

sources:setup {
  '/opt/kumomta/etc/policy/sources.json',
  '/opt/kumomta/etc/policy/more_sources.json',
}
kumo.on('get_listener_domain', listener_domains:setup { '/opt/kumomta/etc/policy/listener_domains.json' })
local signer = dkim_sign:setup { '/opt/kumomta/etc/policy/dkim_data.json' }

kumo.on('smtp_server_message_received', function(msg)
  signer(msg)
end)
