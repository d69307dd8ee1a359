-- Drives Neovim's built-in LSP client against `kumocheck server` (headless), as a user
-- would: open a policy and a data file, wait for diagnostics, ask for completion and
-- hover, apply a code action. Works with Neovim 0.7 (vim.lsp.start_client) and newer.
-- Inputs from the environment: KC_ROOT (workspace), KC_PYTHON, KC_OUT (results, JSON).
local root = os.getenv('KC_ROOT')
local out = os.getenv('KC_OUT')
local results = { steps = {} }
local published = {}

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(results) }, out)
  vim.cmd('qa!')
end

local function step(name, fn)
  local ok, err = pcall(fn)
  table.insert(results.steps, name .. (ok and ': ok' or (': ' .. tostring(err))))
  if not ok then
    results.failed = name
    finish()
  end
end

local client_id = vim.lsp.start_client({
  name = 'kumocheck',
  cmd = { os.getenv('KC_PYTHON'), '-m', 'kumocheck', 'server' },
  root_dir = root,
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      published[result.uri] = (published[result.uri] or 0) + 1
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})

local function open(path, filetype)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = filetype
  vim.lsp.buf_attach_client(buf, client_id)
  return buf
end

local function wait_published(uri, count)
  assert(vim.wait(60000, function() return (published[uri] or 0) >= count end, 50), 'no diagnostics for ' .. uri)
end

local function request(buf, method, params)
  local answers = vim.lsp.buf_request_sync(buf, method, params, 60000)
  assert(answers and answers[client_id], 'no answer to ' .. method)
  assert(not answers[client_id].err, vim.inspect(answers[client_id].err))
  return answers[client_id].result
end

local policy = root .. '/policy/init.lua'
local policy_uri = vim.uri_from_fname(policy)
local buf

step('diagnostics', function()
  buf = open(policy, 'lua')
  wait_published(policy_uri, 1)
  results.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(results.diagnostics, { code = d.code, line = d.lnum, col = d.col, message = d.message })
  end
end)

step('completion', function()
  -- the line holding `retry_interval`: complete a key at its start
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for index, line in ipairs(lines) do
    if line:find('retry_interval', 1, true) then
      local column = line:find('retry_interval', 1, true) - 1
      local result = request(buf, 'textDocument/completion', {
        textDocument = { uri = policy_uri },
        position = { line = index - 1, character = column },
      })
      local items = result.items or result
      results.completion = {}
      for _, item in ipairs(items) do
        table.insert(results.completion, item.label)
      end
      results.hover = request(buf, 'textDocument/hover', {
        textDocument = { uri = policy_uri },
        position = { line = index - 1, character = column + 2 },
      })
      return
    end
  end
  error('no retry_interval line')
end)

step('code action', function()
  local diagnostics = vim.diagnostic.get(buf)
  assert(#diagnostics > 0, 'nothing to fix')
  local first = diagnostics[1]
  local range = { start = { line = first.lnum, character = first.col }, ['end'] = { line = first.end_lnum, character = first.end_col } }
  local actions = request(buf, 'textDocument/codeAction', {
    textDocument = { uri = policy_uri },
    range = range,
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, first.lnum) },
  })
  results.actions = {}
  local chosen
  for _, action in ipairs(actions) do
    table.insert(results.actions, action.title)
    if not chosen and action.kind == 'quickfix' and action.edit and not action.title:find('^Ignore') then
      chosen = action
    end
  end
  assert(chosen, 'no quick fix offered')
  local before = published[policy_uri]
  vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
  results.applied = chosen.title
  wait_published(policy_uri, before + 1)
  results.text_after = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  results.diagnostics_after = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(results.diagnostics_after, d.code)
  end
end)

step('data file', function()
  local data = root .. '/policy/queues.toml'
  local data_uri = vim.uri_from_fname(data)
  local data_buf = open(data, 'toml')
  wait_published(data_uri, 1)
  results.data_diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(data_buf)) do
    table.insert(results.data_diagnostics, d.code)
  end
end)

step('shutdown', function()
  vim.lsp.stop_client(client_id)
end)
finish()
