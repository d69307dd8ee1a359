-- A handler whose name is a near miss of another, bound and referenced name is still dead code.
local kumo = require 'kumo'

kumo.on('init', function()
  kumo.spawn_task { event_name = 'cache.warm', args = {} }
end)

kumo.on('cache.warm', function(args)
  kumo.log_info('warming caches')
end)

kumo.on('cache.wram', function(args) -- expect[unknown-event]
end)
