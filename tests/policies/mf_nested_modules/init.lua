-- init.lua -> policy.queues -> policy.shared.durations
local kumo = require 'kumo'
local queues = require 'policy.queues'

kumo.on('get_queue_config', queues.get_queue_config)
