-- shrink_policy entries are strict structs; the list itself is lenient at the top level.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if tenant == 'ok' then
    return kumo.make_queue_config {
      shrink_policy = {
        { interval = 0, policy = 'ShrinkData' },
        { interval = '60 s', policy = 'ShrinkDataAndMeta' },
        { interval = '1h', policy = 'NoShrink' },
      },
    }
  end
  if tenant == 'empty' then
    return kumo.make_queue_config { shrink_policy = {} }
  end
  if tenant == 'missing' then
    return kumo.make_queue_config {
      shrink_policy = { { interval = '1h' } }, -- expect[missing-key]
    }
  end
  if tenant == 'extra' then
    return kumo.make_queue_config {
      shrink_policy = { { interval = '1m', policy = 'NoShrink', when = 'always' } }, -- expect[unknown-key]
    }
  end
  if tenant == 'case' then
    return kumo.make_queue_config {
      shrink_policy = { { interval = '1m', policy = 'noshrink' } }, -- expect[invalid-value]
    }
  end
  return kumo.make_queue_config {
    shrink_policy = 'NoShrink', -- expect[invalid-type]
  }
end)
