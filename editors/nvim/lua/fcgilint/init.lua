-- fcgilint for Neovim without plugins: filetype rules for nginx and php-fpm
-- files, and `fcgilint lsp` started for their buffers.
--
--   require('fcgilint').setup({})          -- defaults below
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client)
-- and 0.8+ (vim.lsp.start).

local M = {}

local uv = vim.uv or vim.loop

M.INSTALL_COMMAND = 'go install github.com/fcgilint/fcgilint/cmd/fcgilint@latest'

M.defaults = {
  -- The server command; `fcgilint lsp` ignores a trailing --stdio.
  cmd = { 'fcgilint', 'lsp' },
  -- Buffers of these filetypes get the server (see should_attach).
  filetypes = { 'nginx', 'dosini' },
  -- Markers of a project root, searched upward from the file.
  root_markers = { '.fcgilint.yaml', '.git' },
  -- Register the filetype rules of fcgilint.filetype.
  detect_filetypes = true,
  -- Decides whether a buffer of one of `filetypes` gets the server; nil
  -- means M.should_attach (every nginx buffer, and dosini buffers that are
  -- php-fpm files).
  should_attach = nil,
  -- Passed to the client as they are.
  settings = nil,
  init_options = nil,
  capabilities = nil,
  on_attach = nil,
  on_exit = nil,
  handlers = nil,
  cmd_env = nil,
}

M.options = nil

-- Neovim 0.7: client ids by root directory.
local clients_by_root = {}
local warned_missing = false

local function dirname(path)
  return vim.fn.fnamemodify(path, ':h')
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The workspace root of a file: the nearest directory, upward, that holds
--- one of the root markers (.fcgilint.yaml, .git); else /etc for a file
--- under /etc (nginx and php-fpm include each other across /etc/nginx and
--- /etc/php); else the file's directory.
---@param fname string absolute path of the file
---@param markers string[]|nil
---@return string
function M.root_dir(fname, markers)
  markers = markers or (M.options and M.options.root_markers) or M.defaults.root_markers
  fname = vim.fn.fnamemodify(fname, ':p')
  local start = dirname(fname)
  local dir = start
  while true do
    for _, m in ipairs(markers) do
      if exists(dir .. '/' .. m) then
        return dir
      end
    end
    local parent = dirname(dir)
    if parent == dir then
      break
    end
    dir = parent
  end
  if fname:sub(1, 5) == '/etc/' then
    return '/etc'
  end
  return start
end

--- Reports whether a dosini buffer is a php-fpm file: by path (the rules of
--- fcgilint.filetype) or, failing that, by content (a [global] section, or
--- pool directives such as `listen =` and `pm =`).
function M.is_fpm_buffer(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if require('fcgilint.filetype').match(name) == 'dosini' then
    return true
  end
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, 200, false)
  for _, line in ipairs(lines) do
    if line:match('^%s*%[global%]') or line:match('^%s*listen%s*=') or line:match('^%s*pm%s*=') then
      return true
    end
  end
  return false
end

--- Default for opts.should_attach.
function M.should_attach(bufnr)
  if vim.api.nvim_buf_get_name(bufnr) == '' then
    return false
  end
  if vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local ft = vim.bo[bufnr].filetype
  if ft == 'dosini' then
    return M.is_fpm_buffer(bufnr)
  end
  return true
end

--- The client configuration for a buffer (what vim.lsp.start gets).
function M.config(bufnr)
  local o = M.options or M.defaults
  local name = vim.api.nvim_buf_get_name(bufnr)
  return {
    name = 'fcgilint',
    cmd = o.cmd,
    cmd_env = o.cmd_env,
    root_dir = M.root_dir(name, o.root_markers),
    settings = o.settings,
    init_options = o.init_options,
    capabilities = o.capabilities,
    on_attach = o.on_attach,
    handlers = o.handlers,
    on_exit = o.on_exit,
  }
end

local function notify(msg, level)
  vim.schedule(function()
    vim.notify(msg, level)
  end)
end

local function executable(cmd)
  return type(cmd) == 'table' and cmd[1] ~= nil and vim.fn.executable(cmd[1]) == 1
end

--- Starts (or reuses) the server for a buffer and attaches it.
---@return integer|nil client id
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local config = M.config(bufnr)
  if type(config.cmd) == 'table' and not executable(config.cmd) then
    if not warned_missing then
      warned_missing = true
      notify(
        string.format(
          'fcgilint: %s is not executable; install it with `%s` or set cmd in require("fcgilint").setup()',
          tostring(config.cmd[1]),
          M.INSTALL_COMMAND
        ),
        vim.log.levels.WARN
      )
    end
    return nil
  end
  if vim.lsp.start then
    -- Neovim 0.8+: reuses the client with the same name and root_dir. 0.8
    -- attaches the current buffer (opts.bufnr came in 0.9): make it current.
    local id
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(config, { bufnr = bufnr })
    end)
    return id
  end
  -- Neovim 0.7.
  local id = clients_by_root[config.root_dir]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    local root = config.root_dir
    local user_on_exit = config.on_exit
    config.workspace_folders = { { uri = vim.uri_from_fname(root), name = root } }
    config.on_exit = function(...)
      if clients_by_root[root] == id then
        clients_by_root[root] = nil
      end
      if user_on_exit then
        user_on_exit(...)
      end
    end
    id = vim.lsp.start_client(config)
    if id == nil then
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- The running fcgilint clients.
function M.clients()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local out = {}
  for _, c in ipairs(get()) do
    if c.name == 'fcgilint' then
      out[#out + 1] = c
    end
  end
  return out
end

local function wanted(bufnr)
  local o = M.options or M.defaults
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return false
  end
  if not vim.tbl_contains(o.filetypes, vim.bo[bufnr].filetype) then
    return false
  end
  return (o.should_attach or M.should_attach)(bufnr)
end

--- Attaches every loaded buffer that should have the server.
function M.attach_all()
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if wanted(b) then
      M.attach(b)
    end
  end
end

--- Stops every fcgilint client.
function M.stop()
  for _, c in ipairs(M.clients()) do
    vim.lsp.stop_client(c.id)
  end
  clients_by_root = {}
end

--- Stops the clients, then starts them again for the open buffers.
function M.restart()
  M.stop()
  warned_missing = false
  local tries = 0
  local timer = uv.new_timer()
  -- Wait (up to 2 s) for the old clients to exit before starting new ones.
  timer:start(
    100,
    100,
    vim.schedule_wrap(function()
      tries = tries + 1
      if #M.clients() == 0 or tries >= 20 then
        timer:stop()
        timer:close()
        M.attach_all()
      end
    end)
  )
end

M.augroup = 'fcgilint'

--- Configures the plugin: filetype rules, and a FileType autocommand that
--- attaches the server. Calling it again replaces the previous options.
function M.setup(opts)
  M.options = vim.tbl_extend('force', {}, M.defaults, opts or {})
  warned_missing = false
  if M.options.detect_filetypes then
    require('fcgilint.filetype').register()
  end
  local group = vim.api.nvim_create_augroup(M.augroup, { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    desc = 'fcgilint: start the language server',
    callback = function(args)
      if wanted(args.buf) then
        M.attach(args.buf)
      end
    end,
  })
  -- Buffers opened before setup() (e.g. when it runs from a lazy loader).
  M.attach_all()
  return M
end

return M
