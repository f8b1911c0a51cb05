-- Sourced by `:filetype on` when editors/nvim is in 'runtimepath'.
-- Set vim.g.fcgilint_filetypes = false to keep Neovim's own detection.
if vim.g.fcgilint_filetypes ~= false then
  require('fcgilint.filetype').register()
end
