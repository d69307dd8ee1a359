local kumo = require 'kumo'

local BULK = {
  strategy = 'SkipList',
  refresh_strategy = 'Epoch',
  shrink_policy = {
    { interval = '5m', policy = 'ShrinkData' },
    { interval = '1h', policy = 'ShrinkDataAndMeta' },
  },
  timerwheel_tick_interval = '30s',
}

kumo.on('get_queue_config', function(domain, tenant, campaign)
  if tenant == 'bulk' or (campaign and campaign:find('^newsletter')) then
    return kumo.make_queue_config(BULK)
  end
  return kumo.make_queue_config { strategy = 'TimerWheel' }
end)
