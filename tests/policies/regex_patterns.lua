-- Patterns compiled at run time: kumo.regex (fancy-regex) and kumo.regex_set_map (Rust's
-- regex crate). Look-arounds are fine in the first, not in the second.
local kumo = require 'kumo'

local DEFERRAL = kumo.regex.compile [[^4\d\d (?:4\.7\.\d+ )?(?!.*permanent).*(?:rate|too many)]]
local TS_CODES = kumo.regex.compile '(?<=\\[)TS0[1-4](?=\\])'
local TYPO = kumo.regex.compile '^4\\d\\d .*rate+* limited' -- expect[invalid-regex]
local PYTHONISH = kumo.regex.compile '(?P<code>\\d{3}) (?P=code)'
local BAD_CLASS = kumo.regex.compile '[\\w-.]+@example\\.com' -- expect[invalid-regex]

local bounce_map = kumo.regex_set_map.new {
  ['4\\.2\\.2 The email account that you tried to reach is over quota'] = 'quota',
  ['^5\\d\\d .*(?:unknown|no such) user'] = 'no-user',
  ['(?<!not )blocked'] = 'blocked', -- expect[invalid-regex]
  ['user {name} unknown'] = 'braces', -- expect[invalid-regex]
}

kumo.on('smtp_client_rewrite_delivery_status', function(response, domain, tenant, campaign, routing_domain)
  if DEFERRAL:is_match(response) or TS_CODES:is_match(response) or TYPO:is_match(response) then
    return response
  end
  local label = bounce_map[response]
  if label or PYTHONISH:is_match(response) or BAD_CLASS:is_match(response) then
    return response
  end
  return response
end)
