local M = {}

function M.for_domain(domain)
  if domain == 'gmail.com' then
    return { max_age = '1 day' }
  end
  return {}
end

return M
