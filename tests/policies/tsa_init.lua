-- tsa-daemon's policy: tsa.start_http_listener takes an HTTP listener table.
local tsa = require 'tsa'
local kumo = require 'kumo'

kumo.on('tsa_init', function()
  tsa.start_http_listener {
    listen = '0.0.0.0:8008',
    trusted_hosts = { '127.0.0.1', '::1' },
  }
  tsa.start_http_listener {
    listen = '127.0.0.1:8009',
    trusted_host = { '127.0.0.1' }, -- expect[unknown-key]
  }
end)
