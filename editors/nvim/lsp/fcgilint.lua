-- Neovim 0.11+: the configuration vim.lsp.config('fcgilint') finds in
-- 'runtimepath'. Enable it with vim.lsp.enable('fcgilint') (and set
-- vim.g.fcgilint_autostart = false so that plugin/fcgilint.lua does not start
-- a second client).
return {
  cmd = { 'fcgilint', 'lsp' },
  filetypes = { 'nginx', 'dosini' },
  root_dir = function(bufnr, on_dir)
    local fcgilint = require('fcgilint')
    -- No on_dir call, no server: dosini buffers that are not php-fpm files.
    if fcgilint.should_attach(bufnr) then
      on_dir(fcgilint.root_dir(vim.api.nvim_buf_get_name(bufnr)))
    end
  end,
}
