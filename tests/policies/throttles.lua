-- max_message_rate: valid odd spellings and the mistakes people make.
local kumo = require 'kumo'

local RATES = {
  ['gmail.com'] = 'local:1_000/h,max_burst=1,000',
  ['yahoo.com'] = '20/30minute',
  ['aol.com'] = '+10/s',
  ['icloud.com'] = '10/s,max_burst=0',
  ['comcast.net'] = '1,000,000/d',
  ['att.net'] = '10/1h',
  ['gmx.de'] = '50/day,max_burst=1',
  ['web.de'] = 'local:100/123m',
  ['orange.fr'] = '60/minute,max_burst=1',
  ['free.fr'] = '10/seconds', -- expect[invalid-value]
  ['hotmail.com'] = '100/minutes', -- expect[invalid-value]
  ['outlook.com'] = '10/w', -- expect[invalid-value]
  ['live.com'] = '10', -- expect[invalid-value]
  ['msn.com'] = '10 / s', -- expect[invalid-value]
  ['yandex.ru'] = 'LOCAL:10/s', -- expect[invalid-value]
  ['mail.ru'] = '10/s, max_burst=5', -- expect[invalid-value]
  ['qq.com'] = '1.5/s', -- expect[invalid-value]
  ['163.com'] = '0/s', -- expect[invalid-value]
  ['naver.com'] = '10/S', -- expect[invalid-value]
  ['daum.net'] = 100, -- expect[invalid-type]
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    max_message_rate = RATES[domain],
  }
end)
