-- A real round trip through Neovim's LSP client: setup() from editors/nvim,
-- open a file, wait for the server's diagnostics, print them, shut down.
-- Reusable with the real server:
--   FCGILINT_CMD='fcgilint lsp' FCGILINT_FILE=examples/debian/etc/nginx/sites-enabled/default \
--   FCGILINT_EXPECT='fastcgi' \
--   nvim --headless -u NONE -i NONE --cmd 'set rtp^=editors/nvim' -c 'filetype on' \
--        -c 'luafile editors/nvim/test/lsp_roundtrip.lua'
-- Environment:
--   FCGILINT_CMD      the server command, split on spaces (default "fcgilint lsp")
--   FCGILINT_FILE     the file to open (required)
--   FCGILINT_EXPECT   a Lua pattern one diagnostic message must match (optional;
--                     without it any publishDiagnostics for the file will do,
--                     even an empty one)
--   FCGILINT_TIMEOUT  milliseconds to wait (default 10000)
-- Prints "diagnostic: path:line:col: severity: message [code]" per
-- diagnostic, "server exit code: N", and "1 passed, 0 failed" or
-- "0 passed, 1 failed"; exits non-zero on failure.

local function out(s)
  io.stdout:write(s .. '\n')
end

local function finish(ok, why)
  if not ok then
    out('FAIL: ' .. why)
    out('0 passed, 1 failed')
    vim.cmd('cquit 1')
  end
  out('1 passed, 0 failed')
  vim.cmd('qall!')
end

local cmd = vim.split(os.getenv('FCGILINT_CMD') or 'fcgilint lsp', ' ', { trimempty = true })
local file = os.getenv('FCGILINT_FILE')
local expect = os.getenv('FCGILINT_EXPECT')
local timeout = tonumber(os.getenv('FCGILINT_TIMEOUT') or '') or 10000
if not file or file == '' then
  finish(false, 'FCGILINT_FILE is not set')
end
file = vim.fn.fnamemodify(file, ':p')

local published = {} -- uri -> list of diagnostics, latest publish
local orig = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result then
    published[result.uri] = result.diagnostics
  end
  return orig(err, result, ctx, config)
end

local exit_code
require('fcgilint').setup({
  cmd = cmd,
  on_exit = function(code)
    exit_code = code
  end,
})

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
out(string.format('file: %s (filetype %s)', file, vim.bo[bufnr].filetype))
local uri = vim.uri_from_bufnr(bufnr)

local function matched()
  local diags = published[uri]
  if diags == nil then
    return false
  end
  if not expect then
    return true
  end
  for _, d in ipairs(diags) do
    if d.message:find(expect) then
      return true
    end
  end
  return false
end

local got = vim.wait(timeout, matched, 50)
local sev = { 'error', 'warning', 'information', 'hint' }
for _, d in ipairs(published[uri] or {}) do
  out(string.format(
    'diagnostic: %s:%d:%d: %s: %s [%s]',
    file,
    d.range.start.line + 1,
    d.range.start.character + 1,
    sev[d.severity or 1] or tostring(d.severity),
    d.message,
    tostring(d.code)
  ))
end

-- Shut down (shutdown + exit) and report the server's exit code.
local clients = require('fcgilint').clients()
for _, c in ipairs(clients) do
  vim.lsp.stop_client(c.id)
end
vim.wait(5000, function()
  return exit_code ~= nil
end, 50)
out('server exit code: ' .. tostring(exit_code))

if #clients == 0 then
  finish(false, 'no fcgilint client started (is ' .. cmd[1] .. ' executable? filetype ' .. vim.bo[bufnr].filetype .. ')')
elseif not got then
  finish(false, string.format('no diagnostics%s for %s within %d ms', expect and (' matching ' .. expect) or '', uri, timeout))
elseif exit_code ~= 0 then
  finish(false, 'the server did not exit with 0 after shutdown and exit')
end
finish(true)
