-- Drives `fcgilint lsp` from headless Neovim (0.7+: vim.lsp.start_client):
-- opens a site and a pool, waits for the fastcgi_pass error, fixes the site
-- in its buffer, then moves the pool's socket in its buffer. Each step
-- writes "name ok|fail detail" to $FCGILINT_RESULT for the Go test.
local bin = os.getenv("FCGILINT_BIN")
local root = os.getenv("FCGILINT_ROOT")
local site = os.getenv("FCGILINT_SITE")
local pool = os.getenv("FCGILINT_POOL")
local result = os.getenv("FCGILINT_RESULT")
local pass_line = tonumber(os.getenv("FCGILINT_PASS_LINE")) -- 0-based

local lines = {}
local function record(step, ok, detail)
  table.insert(lines, string.format("%s %s %s", step, ok and "ok" or "fail", (detail or ""):gsub("\n", " ")))
end
local function finish()
  local f = io.open(result, "w")
  f:write(table.concat(lines, "\n") .. "\n")
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = "fcgilint",
    cmd = { bin, "lsp", "--stdio" },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = "ws" } },
  })
  record("start", client_id ~= nil, tostring(client_id))

  local function open(path)
    local buf = vim.fn.bufadd(path)
    vim.fn.bufload(buf)
    vim.bo[buf].buflisted = true
    vim.lsp.buf_attach_client(buf, client_id)
    return buf
  end
  local site_buf = open(site)
  local pool_buf = open(pool)

  local function pass_errors(buf)
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum == pass_line and d.severity == vim.diagnostic.severity.ERROR and d.message:find("fastcgi_pass", 1, true) then
        table.insert(found, d)
      end
    end
    return found
  end
  local function describe(buf)
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(out, string.format("%d:%d %s", d.lnum, d.col, d.message:sub(1, 80)))
    end
    return table.concat(out, " | ")
  end

  local got = vim.wait(20000, function() return #pass_errors(site_buf) > 0 end, 20)
  local detail = describe(site_buf)
  if got then
    local d = pass_errors(site_buf)[1]
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    detail = string.format("col=%d source=%s code=%s", d.col, tostring(d.source), tostring(code))
  end
  record("error", got, detail)

  vim.api.nvim_buf_set_lines(site_buf, pass_line, pass_line + 1, false, { "        fastcgi_pass unix:/run/php/other.sock;" })
  got = vim.wait(20000, function() return #pass_errors(site_buf) == 0 end, 20)
  record("cleared", got, describe(site_buf))

  vim.api.nvim_buf_set_lines(pool_buf, 3, 4, false, { "listen = /run/php/moved.sock" })
  got = vim.wait(20000, function() return #pass_errors(site_buf) > 0 end, 20)
  record("back", got, describe(site_buf))

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
end)
if not ok then
  record("lua", false, tostring(err))
end
finish()
