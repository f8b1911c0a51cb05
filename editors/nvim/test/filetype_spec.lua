-- Headless tests of editors/nvim: filetype detection, root directories, and
-- how setup() starts the server (with the LSP client functions stubbed).
-- Run by editors/nvim/test.sh:
--   nvim --headless -u NONE -i NONE --cmd 'set rtp^=editors/nvim' \
--        -c 'filetype on' -c 'luafile editors/nvim/test/filetype_spec.lua'
-- Prints one line per test and "N passed, N failed"; exits 1 on failure.

local passed, failed = 0, 0

local function out(s)
  io.stdout:write(s .. '\n')
end

local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    out('ok - ' .. name)
  else
    failed = failed + 1
    out('not ok - ' .. name .. '\n    ' .. tostring(err):gsub('\n', '\n    '))
  end
end

local function eq(got, want, what)
  if not vim.deep_equal(got, want) then
    error(string.format('%s: got %s, want %s', what or 'value', vim.inspect(got), vim.inspect(want)), 2)
  end
end

local function truthy(v, what)
  if not v then
    error(what or 'expected a true value', 2)
  end
end

local tmp = vim.fn.tempname()
vim.fn.mkdir(tmp, 'p')

local function write(rel, lines)
  local path = tmp .. '/' .. rel
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  vim.fn.writefile(lines or {}, path)
  return path
end

-- Opens a path (existing or not) as a user would and returns its buffer.
local function open(path)
  vim.cmd('silent! edit ' .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local function wipe_all()
  vim.cmd('silent! %bwipeout!')
end

local pool = { '; a pool', '[www]', 'user = www-data', 'listen = /run/php/php8.2-fpm.sock', 'pm = dynamic' }
local site = { 'server {', '    listen 80;', '    location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }', '}' }

local v = vim.version()
out(string.format('# NVIM v%d.%d.%d', v.major, v.minor, v.patch))

---------------------------------------------------------------------------
-- Filetype detection, through :edit, with the rules that ftdetect/ installed
-- when `:filetype on` ran.

local cases = {
  -- php-fpm: dosini
  { write('etc/php/8.2/fpm/pool.d/www.conf', pool), 'dosini' },
  { tmp .. '/etc/php/8.2/fpm/pool.d/api.conf', 'dosini' }, -- new file
  { write('etc/php/8.2/fpm/php-fpm.conf', { '[global]', 'pid = /run/php/php8.2-fpm.pid' }), 'dosini' },
  { write('etc/php/7.4/fpm/pool.d/hash.conf', { '# a comment, as `conf` files start', '[hash]', 'listen = 9000' }), 'dosini' },
  { tmp .. '/etc/php-fpm.conf', 'dosini' },
  { write('etc/php-fpm.d/www.conf', pool), 'dosini' },
  { tmp .. '/usr/local/etc/php-fpm.d/zz-docker.conf', 'dosini' },
  { tmp .. '/usr/local/etc/php-fpm.conf', 'dosini' },
  { tmp .. '/srv/app/docker/www.conf', 'dosini' },
  -- nginx
  { write('etc/nginx/sites-enabled/default', site), 'nginx' },
  { tmp .. '/etc/nginx/nginx.conf', 'nginx' },
  { tmp .. '/etc/nginx/conf.d/default.conf', 'nginx' },
  { tmp .. '/etc/nginx/snippets/fastcgi-php.conf', 'nginx' },
  { write('srv/deploy/sites-available/shop.example', site), 'nginx' },
  { write('srv/deploy/sites-enabled/shop.example', site), 'nginx' },
  { tmp .. '/srv/deploy/nginx/conf.d/app.conf', 'nginx' },
  { tmp .. '/srv/deploy/fastcgi_params', 'nginx' },
  { tmp .. '/srv/deploy/snippets/fastcgi-php.conf', 'nginx' },
  { tmp .. '/srv/deploy/site.nginx', 'nginx' },
  -- neither
  { write('etc/php/8.2/fpm/php.ini', { '[PHP]', 'memory_limit = 128M' }), 'dosini' },
  { write('etc/apache2/sites-enabled/000-default.conf', { '<VirtualHost *:80>', '</VirtualHost>' }), 'apache' },
  { write('home/me/notes.txt', { 'hello' }), 'text' },
}

for _, c in ipairs(cases) do
  local path, want = c[1], c[2]
  test('filetype of ' .. path:sub(#tmp + 1) .. ' is ' .. want, function()
    local b = open(path)
    eq(vim.bo[b].filetype, want, 'filetype')
  end)
end
wipe_all()

---------------------------------------------------------------------------
-- The pure matcher, on real system paths.

local ft = require('fcgilint.filetype')
test('filetype.match on the paths of Debian, RHEL and the Docker image', function()
  local want = {
    ['/etc/php/8.2/fpm/pool.d/www.conf'] = 'dosini',
    ['/etc/php/8.2/fpm/php-fpm.conf'] = 'dosini',
    ['/etc/php-fpm.conf'] = 'dosini',
    ['/etc/php-fpm.d/www.conf'] = 'dosini',
    ['/etc/opt/remi/php82/php-fpm.d/www.conf'] = 'dosini',
    ['/usr/local/etc/php-fpm.d/docker.conf'] = 'dosini',
    ['/etc/nginx/sites-enabled/default'] = 'nginx',
    ['/etc/nginx/sites-available/default'] = 'nginx',
    ['/etc/nginx/nginx.conf'] = 'nginx',
    ['/etc/nginx/fastcgi_params'] = 'nginx',
    ['/etc/nginx/snippets/fastcgi-php.conf'] = 'nginx',
    ['/usr/local/nginx/conf/nginx.conf'] = 'nginx',
    ['/etc/apache2/sites-enabled/000-default.conf'] = vim.NIL,
    ['/etc/php/8.2/fpm/php.ini'] = vim.NIL,
    ['/etc/ssh/sshd_config'] = vim.NIL,
    [''] = vim.NIL,
  }
  for path, w in pairs(want) do
    eq(ft.match(path), w ~= vim.NIL and w or nil, path)
  end
end)

---------------------------------------------------------------------------
-- Root directories.

local fcgilint = require('fcgilint')

test('root_dir: /etc for a file under /etc without markers', function()
  local etc_marker = vim.loop.fs_stat('/etc/.git') or vim.loop.fs_stat('/etc/.fcgilint.yaml')
  local root_marker = vim.loop.fs_stat('/.git') or vim.loop.fs_stat('/.fcgilint.yaml')
  if root_marker and not etc_marker then
    return -- this machine has /.git: nothing to check
  end
  eq(fcgilint.root_dir('/etc/nginx/sites-enabled/default'), '/etc', 'root')
  eq(fcgilint.root_dir('/etc/php/8.2/fpm/pool.d/www.conf'), '/etc', 'root')
end)

test('root_dir: the nearest .fcgilint.yaml or .git', function()
  write('proj/.fcgilint.yaml', { 'rules: {}' })
  vim.fn.mkdir(tmp .. '/proj/sub/.git', 'p')
  eq(fcgilint.root_dir(tmp .. '/proj/etc/nginx/sites-enabled/x'), tmp .. '/proj', 'root')
  eq(fcgilint.root_dir(tmp .. '/proj/sub/etc/php-fpm.d/www.conf'), tmp .. '/proj/sub', 'root')
end)

test("root_dir: the file's directory otherwise", function()
  eq(fcgilint.root_dir(tmp .. '/loose/nginx/site.conf'), tmp .. '/loose/nginx', 'root')
end)

---------------------------------------------------------------------------
-- setup(): the FileType autocommand, and what it starts.

-- Stubs the client functions; returns the record of calls.
local function stub_lsp(mode)
  local rec = { start = {}, start_client = {}, attach = {} }
  local saved = {
    start = vim.lsp.start,
    start_client = vim.lsp.start_client,
    buf_attach_client = vim.lsp.buf_attach_client,
    get_client_by_id = vim.lsp.get_client_by_id,
  }
  local next_id = 100
  if mode == '0.8' then
    vim.lsp.start = function(config, opts)
      table.insert(rec.start, { config = config, bufnr = opts and opts.bufnr, current = vim.api.nvim_get_current_buf() })
      return 1
    end
  else
    vim.lsp.start = nil
    vim.lsp.start_client = function(config)
      next_id = next_id + 1
      table.insert(rec.start_client, config)
      return next_id
    end
    vim.lsp.get_client_by_id = function(id)
      return id > 100 and { id = id } or nil
    end
    vim.lsp.buf_attach_client = function(bufnr, id)
      table.insert(rec.attach, { bufnr = bufnr, id = id })
      return true
    end
  end
  rec.restore = function()
    vim.lsp.start = saved.start
    vim.lsp.start_client = saved.start_client
    vim.lsp.buf_attach_client = saved.buf_attach_client
    vim.lsp.get_client_by_id = saved.get_client_by_id
  end
  return rec
end

test('setup registers a FileType autocommand for nginx and dosini', function()
  fcgilint.setup({ cmd = { 'cat' } })
  local acs = vim.api.nvim_get_autocmds({ group = 'fcgilint', event = 'FileType' })
  local pats = {}
  for _, a in ipairs(acs) do
    pats[#pats + 1] = a.pattern
  end
  table.sort(pats)
  eq(pats, { 'dosini', 'nginx' }, 'patterns')
  -- Calling it again replaces, not duplicates.
  fcgilint.setup({ cmd = { 'cat' } })
  eq(#vim.api.nvim_get_autocmds({ group = 'fcgilint', event = 'FileType' }), 2, 'autocommands after a second setup')
end)

test('Neovim 0.8+ path: vim.lsp.start for nginx and php-fpm buffers, not for php.ini', function()
  local rec = stub_lsp('0.8')
  local ok, err = pcall(function()
    fcgilint.setup({ cmd = { 'cat', 'lsp' } })
    local site_buf = open(tmp .. '/etc/nginx/sites-enabled/default')
    open(tmp .. '/etc/php/8.2/fpm/pool.d/www.conf')
    open(tmp .. '/etc/php/8.2/fpm/php.ini')
    eq(#rec.start, 2, 'vim.lsp.start calls')
    local c = rec.start[1].config
    eq(c.name, 'fcgilint', 'name')
    eq(c.cmd, { 'cat', 'lsp' }, 'cmd')
    eq(c.root_dir, tmp .. '/etc/nginx/sites-enabled', 'root_dir')
    eq(rec.start[1].bufnr, site_buf, 'bufnr')
    eq(rec.start[2].config.root_dir, tmp .. '/etc/php/8.2/fpm/pool.d', 'root_dir of the pool')
  end)
  rec.restore()
  wipe_all()
  assert(ok, err)
end)

test('Neovim 0.7 path: one start_client per root, buf_attach_client per buffer', function()
  local rec = stub_lsp('0.7')
  local ok, err = pcall(function()
    write('proj2/.fcgilint.yaml', {})
    fcgilint.setup({ cmd = { 'cat', 'lsp' } })
    local a = open(write('proj2/etc/nginx/sites-enabled/a', site))
    local b = open(write('proj2/etc/nginx/sites-enabled/b', site))
    local p = open(write('proj2/etc/php/8.2/fpm/pool.d/www.conf', pool))
    eq(#rec.start_client, 1, 'start_client calls')
    eq(rec.start_client[1].root_dir, tmp .. '/proj2', 'root_dir')
    eq(rec.start_client[1].workspace_folders[1].name, tmp .. '/proj2', 'workspace folder')
    eq(#rec.attach, 3, 'buf_attach_client calls')
    eq({ rec.attach[1].bufnr, rec.attach[2].bufnr, rec.attach[3].bufnr }, { a, b, p }, 'attached buffers')
    eq(rec.attach[3].id, rec.attach[1].id, 'same client')
    -- The client's exit forgets it: the next buffer starts a new one.
    rec.start_client[1].on_exit(0, 0)
    open(write('proj2/etc/nginx/sites-enabled/c', site))
    eq(#rec.start_client, 2, 'start_client calls after exit')
  end)
  rec.restore()
  wipe_all()
  assert(ok, err)
end)

test('a dosini buffer outside php-fpm paths is attached when its content is a pool', function()
  local rec = stub_lsp('0.8')
  local ok, err = pcall(function()
    fcgilint.setup({ cmd = { 'cat', 'lsp' } })
    open(write('srv/conf/app.ini', pool))
    open(write('srv/conf/other.ini', { '[section]', 'key = value' }))
    eq(#rec.start, 1, 'vim.lsp.start calls')
  end)
  rec.restore()
  wipe_all()
  assert(ok, err)
end)

test('setup attaches buffers opened before it', function()
  vim.api.nvim_clear_autocmds({ group = 'fcgilint' })
  local b = open(tmp .. '/etc/nginx/nginx.conf')
  local b2 = open(tmp .. '/etc/nginx/sites-enabled/default')
  local rec = stub_lsp('0.8')
  local ok, err = pcall(function()
    fcgilint.setup({ cmd = { 'cat', 'lsp' } })
    eq(#rec.start, 2, 'vim.lsp.start calls')
    table.sort(rec.start, function(x, y)
      return x.bufnr < y.bufnr
    end)
    eq({ rec.start[1].bufnr, rec.start[2].bufnr }, { b, b2 }, 'bufnr')
    -- Neovim 0.8's vim.lsp.start attaches the current buffer.
    eq({ rec.start[1].current, rec.start[2].current }, { b, b2 }, 'current buffer during vim.lsp.start')
    eq(vim.api.nvim_get_current_buf(), b2, 'current buffer after setup')
  end)
  rec.restore()
  wipe_all()
  assert(ok, err)
end)

test('a missing binary: no start, one warning with the install command', function()
  local rec = stub_lsp('0.8')
  local saved_notify = vim.notify
  local notes = {}
  vim.notify = function(msg, level)
    notes[#notes + 1] = { msg = msg, level = level }
  end
  local ok, err = pcall(function()
    fcgilint.setup({ cmd = { tmp .. '/no/such/fcgilint', 'lsp' } })
    open(tmp .. '/etc/nginx/nginx.conf')
    open(tmp .. '/etc/nginx/sites-enabled/default')
    vim.wait(200, function()
      return #notes > 0
    end)
    vim.wait(50)
    eq(#rec.start, 0, 'vim.lsp.start calls')
    eq(#notes, 1, 'warnings')
    truthy(notes[1].msg:find('go install github.com/fcgilint/fcgilint/cmd/fcgilint@latest', 1, true), notes[1].msg)
    eq(notes[1].level, vim.log.levels.WARN, 'level')
  end)
  vim.notify = saved_notify
  rec.restore()
  wipe_all()
  assert(ok, err)
end)

---------------------------------------------------------------------------
-- plugin/ and lsp/ files.

test('plugin/fcgilint.lua defines the commands and keeps an earlier setup()', function()
  fcgilint.setup({ cmd = { 'cat', 'lsp' } })
  vim.cmd('runtime plugin/fcgilint.lua')
  local cmds = vim.api.nvim_get_commands({})
  for _, name in ipairs({ 'FcgilintStart', 'FcgilintStop', 'FcgilintRestart', 'FcgilintInfo' }) do
    truthy(cmds[name], name .. ' is not defined')
  end
  eq(fcgilint.options.cmd, { 'cat', 'lsp' }, 'options after plugin/')
end)

test('lsp/fcgilint.lua (Neovim 0.11 vim.lsp.config) starts only for nginx and php-fpm buffers', function()
  local files = vim.api.nvim_get_runtime_file('lsp/fcgilint.lua', false)
  eq(#files, 1, 'lsp/fcgilint.lua in runtimepath')
  local cfg = dofile(files[1])
  eq(cfg.cmd, { 'fcgilint', 'lsp' }, 'cmd')
  eq(cfg.filetypes, { 'nginx', 'dosini' }, 'filetypes')
  vim.api.nvim_clear_autocmds({ group = 'fcgilint' })
  local roots = {}
  local on_dir = function(d)
    roots[#roots + 1] = d
  end
  cfg.root_dir(open(tmp .. '/etc/nginx/sites-enabled/default'), on_dir)
  cfg.root_dir(open(tmp .. '/etc/php/8.2/fpm/php.ini'), on_dir)
  eq(roots, { tmp .. '/etc/nginx/sites-enabled' }, 'roots')
  wipe_all()
end)

vim.fn.delete(tmp, 'rf')
out(string.format('%d passed, %d failed', passed, failed))
if failed > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
