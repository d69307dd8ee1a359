-- Binds the constructor; checked on its own it must not claim nothing references it.
local kumo = require 'kumo'

kumo.on('make.webhook', function(domain, tenant, campaign)
  local client = kumo.http.build_client {}
  return {
    send_batch = function(self, messages)
      local bodies = {}
      for _, msg in ipairs(messages) do
        table.insert(bodies, msg:get_data())
      end
      client:post('https://hooks.example.com/batch'):body(table.concat(bodies, '\n')):send()
      return string.format('%d delivered', #messages)
    end,
  }
end)
