-- Filetype detection for nginx and php-fpm files.
--
-- php-fpm files (php-fpm.conf and pools) get `dosini`, the filetype Neovim
-- gives INI files; nginx files that Neovim does not recognise by itself
-- (sites-available/*, sites-enabled/*, fastcgi_params outside /etc/nginx, ...)
-- get `nginx`.
--
-- Neovim 0.8+ detects filetypes in Lua: the rules go to vim.filetype.add().
-- Neovim 0.7 uses filetype.vim unless g:do_filetype_lua is 1, so the same
-- rules are also installed as BufRead/BufNewFile autocommands there.

local M = {}

-- A path inside an Apache configuration (Debian's /etc/apache2/sites-*, RHEL's
-- /etc/httpd): never nginx.
local function apache(path)
  return path:find('/apache2/', 1, true) ~= nil or path:find('/httpd/', 1, true) ~= nil
end

local function nginx_unless_apache(path)
  if apache(path) then
    return nil
  end
  return 'nginx'
end

-- The rules, in vim.filetype.add's format. Patterns are Lua patterns,
-- anchored at both ends, matched against the full path when they contain a
-- slash and against the file name otherwise.
M.rules = {
  filename = {
    ['php-fpm.conf'] = 'dosini',
    ['www.conf'] = 'dosini',
    ['nginx.conf'] = 'nginx',
    ['fastcgi_params'] = 'nginx',
    ['fastcgi.conf'] = 'nginx',
    ['scgi_params'] = 'nginx',
    ['uwsgi_params'] = 'nginx',
  },
  pattern = {
    -- php-fpm
    ['.*/php%-fpm%.d/[^/]*%.conf'] = 'dosini',
    ['.*/pool%.d/[^/]*%.conf'] = 'dosini',
    ['.*/fpm/[^/]*%.conf'] = 'dosini',
    ['php%-fpm.*%.conf'] = 'dosini',
    -- nginx
    ['.*/sites%-available/.*'] = nginx_unless_apache,
    ['.*/sites%-enabled/.*'] = nginx_unless_apache,
    ['.*/nginx/.*%.conf'] = 'nginx',
    ['.*/nginx/snippets/.*'] = 'nginx',
    ['.*/etc/nginx/.*'] = 'nginx',
    ['fastcgi.*%.conf'] = nginx_unless_apache,
    ['.*%.nginx'] = 'nginx',
  },
}

--- The filetype the rules give a path, or nil. Pure; used by the 0.7
--- autocommands and by the tests.
---@param path string an absolute path
---@return string|nil
function M.match(path)
  if path == nil or path == '' then
    return nil
  end
  path = path:gsub('\\', '/')
  local tail = path:match('[^/]*$')
  local ft = M.rules.filename[path] or M.rules.filename[tail]
  if ft then
    return ft
  end
  -- Longest pattern first, so that the more specific rule wins (as
  -- vim.filetype.add does by priority).
  local pats = {}
  for pat in pairs(M.rules.pattern) do
    pats[#pats + 1] = pat
  end
  table.sort(pats, function(a, b)
    if #a ~= #b then
      return #a > #b
    end
    return a < b
  end)
  for _, pat in ipairs(pats) do
    local subject = pat:find('/', 1, true) and path or tail
    if subject:match('^' .. pat .. '$') then
      local v = M.rules.pattern[pat]
      if type(v) == 'function' then
        v = v(path)
      end
      if v then
        return v
      end
    end
  end
  return nil
end

local function lua_detection_active()
  return vim.fn.has('nvim-0.8') == 1 or vim.g.do_filetype_lua == 1
end

local registered = false

--- Registers the rules. Idempotent.
function M.register()
  if registered then
    return
  end
  registered = true
  if vim.filetype and vim.filetype.add and lua_detection_active() then
    vim.filetype.add(M.rules)
  end
  if vim.fn.has('nvim-0.8') == 0 then
    -- Neovim 0.7 with filetype.vim: the same rules as autocommands. They
    -- use :setfiletype, so they neither override a filetype an earlier rule
    -- set (e.g. Apache's) nor lose to the generic `conf` fallback.
    local group = vim.api.nvim_create_augroup('fcgilint_filetypedetect', { clear = true })
    vim.api.nvim_create_autocmd({ 'BufNewFile', 'BufRead' }, {
      group = group,
      pattern = '*',
      callback = function(args)
        local ft = M.match(vim.fn.fnamemodify(args.file, ':p'))
        if ft then
          vim.api.nvim_buf_call(args.buf, function()
            vim.cmd('setfiletype ' .. ft)
          end)
        end
      end,
    })
  end
end

return M
