local kumo = require 'kumo'

local Router = {}

function Router.new(default_pool)
  local self = { default_pool = default_pool, rules = {} }
  function self:add(suffix, pool)
    self.rules[#self.rules + 1] = { suffix = suffix, pool = pool }
    return self
  end
  function self:pool_for(domain)
    for _, rule in ipairs(self.rules) do
      if domain:sub(-#rule.suffix) == rule.suffix then
        return rule.pool
      end
    end
    return self.default_pool
  end
  return self
end

local router = Router.new('general'):add('.gov', 'government'):add('.edu', 'education')

kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config { egress_pool = router:pool_for(domain) }
end)
