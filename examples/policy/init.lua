-- Example KumoMTA policy with the kind of mistakes kumocheck exists to catch.
-- Run: kumocheck check examples/policy
local kumo = require 'kumo'
local pools = require 'pools'

kumo.on('init', function()
  kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data' }
  kumo.define_spool { name = 'meta', path = '/var/spool/kumomta/meta' }
  kumo.start_esmtp_listener { listen = '0.0.0.0:25', relay_hosts = { '127.0.0.1' } }
  kumo.start_http_listener { listen = '127.0.0.1:8000' }
end)

kumo.on('make.webhook', function(domain, tenant, campaign)
  local connection = {}
  function connection:send(message)
    local response = kumo.http.build_client({}):post('https://hooks.example.com/'):body(message:get_data()):send()
    if response:status_is_success() then
      return response:text()
    end
    kumo.reject(400, response:status_reason())
  end
  return connection
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'hooks.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.webhok' } },
    }
  end

  local tuning = pools.DOMAINS[domain] or {}
  return kumo.make_queue_config {
    egress_pool = pools.TENANTS[tenant] or 'default',
    retry_interval = tuning.retry_interval or '20 minutes',
    max_age = '3 Days',
    max_message_rate = tuning.rate,
    protocol = {
      smtp = { mx_list = tuning.smarthosts, enable_tls = 'Required' },
    },
  }
end)
