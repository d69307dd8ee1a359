-- custom_lua queues: the protocol table rejects unknown keys and wants integers.
local kumo = require 'kumo'

kumo.on('make.kafka', function(domain, tenant, campaign)
  local producer = kumo.kafka.build_producer { ['bootstrap.servers'] = 'kafka.internal:9092' }
  return {
    send = function(self, message)
      producer:send { topic = 'mail', payload = message:get_data() }
      return 'queued in kafka'
    end,
    close = function(self)
      producer:close()
    end,
  }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'kafka.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.kafka', batch_size = 200 // 2, min_batch_size = 10, max_batch_latency = 2 } },
    }
  end
  if domain == 'kafka2.internal' then
    return kumo.make_queue_config { protocol = { custom_lua = { 'make.kafka', 10 } } }
  end
  if domain == 'typo.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.kafka', batchsize = 10 } }, -- expect[unknown-key]
    }
  end
  if domain == 'float.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.kafka', batch_size = 1e3 } }, -- expect[invalid-type]
    }
  end
  if domain == 'latency.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = 'make.kafka', max_batch_latency = '5 Seconds' } }, -- expect[invalid-duration]
    }
  end
  if domain == 'noctor.internal' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { batch_size = 10 } }, -- expect[missing-key]
    }
  end
  return kumo.make_queue_config {
    protocol = { custom_lua = 'make.kafka' }, -- expect[invalid-type]
  }
end)
