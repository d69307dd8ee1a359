-- The constructor is bound here; the module that names it is checked on its own too.
local kumo = require 'kumo'
local webhook_queues = require 'queues.webhooks'

kumo.on('make.webhook', function(domain, tenant, campaign)
  return {
    send = function(self, message)
      local url = string.format('https://%s/hook', domain)
      kumo.http.build_client({}):post(url):body(message:get_data()):send()
      return 'posted'
    end,
  }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain:match('%.hooks%.internal$') then
    return webhook_queues.config_for(domain)
  end
end)
