-- Loaded at startup when editors/nvim is in 'runtimepath'.
--
-- Unless require('fcgilint').setup() already ran (from init.lua) or
-- vim.g.fcgilint_autostart is false, starts fcgilint for nginx and php-fpm
-- buffers with the default options (or vim.g.fcgilint_options). Set
-- vim.g.fcgilint_autostart = false when nvim-lspconfig or vim.lsp.enable()
-- starts the server instead.
if vim.g.loaded_fcgilint then
  return
end
vim.g.loaded_fcgilint = true

local function fcgilint()
  return require('fcgilint')
end

local function ensure_setup()
  if fcgilint().options == nil then
    fcgilint().setup(vim.g.fcgilint_options or {})
  end
end

vim.api.nvim_create_user_command('FcgilintStart', function()
  ensure_setup()
  fcgilint().attach(0)
end, { desc = 'fcgilint: start the language server for this buffer' })

vim.api.nvim_create_user_command('FcgilintStop', function()
  fcgilint().stop()
end, { desc = 'fcgilint: stop the language server' })

vim.api.nvim_create_user_command('FcgilintRestart', function()
  ensure_setup()
  fcgilint().restart()
end, { desc = 'fcgilint: restart the language server' })

vim.api.nvim_create_user_command('FcgilintInfo', function()
  local lines = {}
  for _, c in ipairs(fcgilint().clients()) do
    lines[#lines + 1] = string.format('client %d: %s, root %s', c.id, table.concat(c.config.cmd, ' '), tostring(c.config.root_dir))
  end
  if #lines == 0 then
    lines[1] = 'fcgilint: no client running'
  end
  print(table.concat(lines, '\n'))
end, { desc = 'fcgilint: show the running clients' })

if vim.g.fcgilint_autostart ~= false then
  ensure_setup()
end
