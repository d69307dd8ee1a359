local kumo = require 'kumo'

local M = {}

function M.setup(name, url)
  kumo.on(name, function(domain, tenant, campaign)
    local client = kumo.http.build_client {}
    return {
      send = function(self, message)
        local response = client:post(url):body(message:get_data()):send()
        if response:status_code() >= 500 then
          kumo.reject(421, 'webhook unavailable')
        end
        return tostring(response:status_code())
      end,
    }
  end)
end

return M
