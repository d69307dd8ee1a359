-- A handler missing its closing `end)`: the `end` closes the `if`, then `)` is unexpected.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain)
  if domain == 'example.com' then
    return kumo.make_queue_config { retry_interval = '5m' }
end) -- expect[syntax-error]
