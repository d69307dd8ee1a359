-- Run with `kumod --script tools/report.lua`: checked alone, it is a complete policy.
local kumo = require 'kumo'

kumo.on('main', function(...)
  kumo.on('report.row', function(args) print(table.concat(args, ',')) end)
  for _, name in ipairs({ ... }) do
    kumo.spawn_task { event_name = 'report.row', args = { name } }
  end
end)
