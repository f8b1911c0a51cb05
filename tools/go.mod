// The generators of fcgilint's data tables. They are a module of their own
// so that the fcgilint module holds a single command: pre-commit's golang
// hooks and `go install ./...` build every main package of the root module.
module github.com/fcgilint/fcgilint/tools

go 1.22
