package main

// A small, forgiving C scanner: enough to find nginx module definitions,
// ngx_command_t arrays, ngx_conf_enum_t / ngx_conf_bitmask_t arrays, conf
// post structures, #define macros and function bodies in module sources.
// It does not preprocess: conditional blocks are handled by the callers.

import (
	"path"
	"strings"
)

type tokKind uint8

const (
	tIdent tokKind = iota
	tNum
	tStr  // string literal, S holds the unquoted, unescaped-enough text
	tChar // character literal
	tPunct
	tPP // preprocessor line, S holds the text after '#', continuations joined
)

type token struct {
	K tokKind
	S string
}

func (t token) is(s string) bool { return (t.K == tPunct || t.K == tIdent) && t.S == s }

// tokenize splits C source into tokens; comments are dropped.
func tokenize(src []byte) []token {
	var toks []token
	n := len(src)
	lineStart := true
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '\n':
			lineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '/' && i+1 < n && src[i+1] == '*':
			end := strings.Index(string(src[i+2:]), "*/")
			if end < 0 {
				i = n
			} else {
				i += end + 4
			}
			continue
		case c == '/' && i+1 < n && src[i+1] == '/':
			for i < n && src[i] != '\n' {
				i++
			}
			continue
		case c == '#' && lineStart:
			// preprocessor line: up to an unescaped newline; drop comments
			var b strings.Builder
			i++
			for i < n {
				if src[i] == '\\' && i+1 < n && src[i+1] == '\n' {
					i += 2
					b.WriteByte(' ')
					continue
				}
				if src[i] == '\\' && i+2 < n && src[i+1] == '\r' && src[i+2] == '\n' {
					i += 3
					b.WriteByte(' ')
					continue
				}
				if src[i] == '\n' {
					break
				}
				if src[i] == '/' && i+1 < n && src[i+1] == '*' {
					end := strings.Index(string(src[i+2:]), "*/")
					if end < 0 {
						i = n
					} else {
						i += end + 4
					}
					b.WriteByte(' ')
					continue
				}
				if src[i] == '/' && i+1 < n && src[i+1] == '/' {
					for i < n && src[i] != '\n' {
						i++
					}
					break
				}
				b.WriteByte(src[i])
				i++
			}
			toks = append(toks, token{tPP, strings.TrimSpace(b.String())})
			continue
		}
		lineStart = false
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < n && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, token{tIdent, string(src[i:j])})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < n && (src[j] == '_' || src[j] == '.' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, token{tNum, string(src[i:j])})
			i = j
		case c == '"' || c == '\'':
			q := c
			var b strings.Builder
			j := i + 1
			for j < n && src[j] != q && src[j] != '\n' {
				if src[j] == '\\' && j+1 < n {
					switch src[j+1] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					case '\n':
					default:
						b.WriteByte(src[j+1])
					}
					j += 2
					continue
				}
				b.WriteByte(src[j])
				j++
			}
			k := tStr
			if q == '\'' {
				k = tChar
			}
			toks = append(toks, token{k, b.String()})
			i = j + 1
		default:
			toks = append(toks, token{tPunct, string(c)})
			i++
		}
	}
	return toks
}

// ppDirective splits a preprocessor token into its directive and the rest.
func ppDirective(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z') {
		i++
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// firstBranch drops #else/#elif branches and every preprocessor token: the
// result keeps the first branch of each conditional, which keeps braces
// balanced for the common `#if A ... { #else ... { #endif` patterns. The
// exception is a condition false on the Linux builds the table describes
// (`#if (NGX_WIN32)`): its #else branch is the one nginx compiles there,
// as in ngx_set_user, whose "is duplicate" is in the #else branch.
func firstBranch(toks []token) []token {
	out := make([]token, 0, len(toks))
	type cond struct{ parent, skipFirst bool }
	var stack []cond
	taking := true
	for _, t := range toks {
		if t.K == tPP {
			d, rest := ppDirective(t.S)
			switch d {
			case "if", "ifdef", "ifndef":
				skip := d != "ifndef" && falseOnLinux(rest)
				stack = append(stack, cond{parent: taking, skipFirst: skip})
				if skip {
					taking = false
				}
			case "elif":
				if len(stack) > 0 {
					taking = false
				}
			case "else":
				if len(stack) > 0 {
					top := stack[len(stack)-1]
					taking = top.skipFirst && top.parent
				}
			case "endif":
				if len(stack) > 0 {
					taking = stack[len(stack)-1].parent
					stack = stack[:len(stack)-1]
				}
			}
			continue
		}
		if taking {
			out = append(out, t)
		}
	}
	return out
}

// falseOnLinux reports whether a #if condition is false on Linux: a bare
// NGX_WIN32 test, with or without parentheses.
func falseOnLinux(cond string) bool {
	cond = strings.TrimSpace(cond)
	for strings.HasPrefix(cond, "(") && strings.HasSuffix(cond, ")") {
		cond = strings.TrimSpace(cond[1 : len(cond)-1])
	}
	return cond == "NGX_WIN32"
}

// ---- per-file facts ----

type cmdEntry struct {
	Name   string
	Type   []string // identifiers (and numbers) of the type expression
	Set    string
	Post   []token
	Order  int
	Incl   string // for placeholder entries: an #include inside the array
	IsIncl bool
}

type moduleDef struct {
	Name     string
	Commands string
	Type     string
	File     string
}

type postDef struct {
	Kind     string // bounds, post, handler, deprecated
	Handler  string
	Min, Max string
	Old, New string
}

type funcDef struct {
	Dup       bool     // returns "is duplicate" somewhere in its body
	Calls     []string // functions it calls passing `cmd`
	CfHandler string   // f of a `cf->handler = f;` in its body
	LuaBlock  bool     // calls *_conf_lua_block_parse (raw Lua block)
}

type fileInfo struct {
	Path     string
	Defines  map[string][]token
	Arrays   map[string][]cmdEntry
	Modules  []moduleDef
	Enums    map[string][]string
	Bitmasks map[string][]string
	Posts    map[string]postDef
	Funcs    map[string]funcDef
	Raw      []token
}

func scanFile(p string, src []byte) *fileInfo {
	fi := &fileInfo{
		Path:     p,
		Defines:  map[string][]token{},
		Arrays:   map[string][]cmdEntry{},
		Enums:    map[string][]string{},
		Bitmasks: map[string][]string{},
		Posts:    map[string]postDef{},
		Funcs:    map[string]funcDef{},
	}
	raw := tokenize(src)
	fi.Raw = raw
	// defines
	for _, t := range raw {
		if t.K != tPP {
			continue
		}
		d, rest := ppDirective(t.S)
		if d != "define" {
			continue
		}
		body := tokenize([]byte(rest))
		if len(body) == 0 || body[0].K != tIdent {
			continue
		}
		name := body[0].S
		// function-like macro: '(' immediately after the name
		if i := strings.Index(rest, name); i >= 0 && i+len(name) < len(rest) && rest[i+len(name)] == '(' {
			continue
		}
		fi.Defines[name] = body[1:]
	}
	// declarations (on the raw stream: every branch)
	for i := 0; i+3 < len(raw); i++ {
		t := raw[i]
		if t.K != tIdent {
			continue
		}
		switch t.S {
		case "ngx_command_t":
			if name, body, ok := arrayDecl(raw, i); ok {
				fi.Arrays[name] = append(fi.Arrays[name], parseCommandArray(raw, body)...)
			}
		case "ngx_conf_enum_t":
			if name, body, ok := arrayDecl(raw, i); ok {
				fi.Enums[name] = appendUnique(fi.Enums[name], parseNameArray(raw, body)...)
			}
		case "ngx_conf_bitmask_t":
			if name, body, ok := arrayDecl(raw, i); ok {
				fi.Bitmasks[name] = appendUnique(fi.Bitmasks[name], parseNameArray(raw, body)...)
			}
		case "ngx_module_t":
			if raw[i+1].K == tIdent && raw[i+2].is("=") && raw[i+3].is("{") {
				if m, ok := parseModule(raw, i+3); ok {
					m.Name = raw[i+1].S
					m.File = p
					fi.Modules = append(fi.Modules, m)
				}
			}
		case "ngx_conf_num_bounds_t", "ngx_conf_post_t", "ngx_conf_deprecated_t":
			if raw[i+1].K == tIdent && raw[i+2].is("=") && raw[i+3].is("{") {
				fields := splitFields(raw, i+3)
				pd := postDef{}
				switch t.S {
				case "ngx_conf_num_bounds_t":
					pd.Kind = "bounds"
					if len(fields) >= 3 {
						pd.Handler = joinToks(fields[0])
						pd.Min = joinToks(fields[1])
						pd.Max = joinToks(fields[2])
					}
				case "ngx_conf_post_t":
					pd.Kind = "post"
					if len(fields) >= 1 {
						pd.Handler = joinToks(fields[0])
					}
				case "ngx_conf_deprecated_t":
					pd.Kind = "deprecated"
					if len(fields) >= 3 {
						pd.Handler = joinToks(fields[0])
						pd.Old = strLit(fields[1])
						pd.New = strLit(fields[2])
					}
				}
				fi.Posts[raw[i+1].S] = pd
			}
		case "ngx_conf_post_handler_pt":
			if raw[i+1].K == tIdent && raw[i+2].is("=") && raw[i+3].K == tIdent {
				fi.Posts[raw[i+1].S] = postDef{Kind: "handler", Handler: raw[i+3].S}
			}
		}
	}
	scanFuncs(firstBranch(raw), fi.Funcs)
	return fi
}

func appendUnique(dst []string, vs ...string) []string {
	for _, v := range vs {
		dup := false
		for _, d := range dst {
			if d == v {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, v)
		}
	}
	return dst
}

func joinToks(ts []token) string {
	var b strings.Builder
	for _, t := range ts {
		if t.K == tPP {
			continue
		}
		b.WriteString(t.S)
	}
	return b.String()
}

func strLit(ts []token) string {
	for _, t := range ts {
		if t.K == tStr {
			return t.S
		}
	}
	return joinToks(ts)
}

// arrayDecl matches `TYPE NAME [ ] = {` at i and returns the index of '{'.
func arrayDecl(raw []token, i int) (string, int, bool) {
	if i+5 >= len(raw) {
		return "", 0, false
	}
	if raw[i+1].K == tIdent && raw[i+2].is("[") && raw[i+3].is("]") && raw[i+4].is("=") && raw[i+5].is("{") {
		return raw[i+1].S, i + 5, true
	}
	return "", 0, false
}

// matchBrace returns the index of the '}' matching the '{' at i (pp tokens
// are ignored), or len(raw)-1.
func matchBrace(raw []token, i int) int {
	depth := 0
	for j := i; j < len(raw); j++ {
		if raw[j].K != tPunct {
			continue
		}
		switch raw[j].S {
		case "{":
			depth++
		case "}":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(raw) - 1
}

// splitFields splits the initializer at '{' (index open) into top-level
// comma-separated fields, keeping the first branch of conditionals that
// open inside it.
func splitFields(raw []token, open int) [][]token {
	end := matchBrace(raw, open)
	inner := firstBranch(raw[open+1 : end])
	var fields [][]token
	var cur []token
	depth := 0
	for _, t := range inner {
		if t.K == tPunct {
			switch t.S {
			case "(", "{", "[":
				depth++
			case ")", "}", "]":
				depth--
			case ",":
				if depth == 0 {
					fields = append(fields, cur)
					cur = nil
					continue
				}
			}
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		fields = append(fields, cur)
	}
	return fields
}

// parseCommandArray parses the body of an ngx_command_t array whose '{' is
// at open. Between entries every conditional branch is kept (the union of
// all build configurations); inside an entry the first branch is kept.
// An #include between entries becomes a placeholder entry.
func parseCommandArray(raw []token, open int) []cmdEntry {
	end := matchBrace(raw, open)
	var out []cmdEntry
	for j := open + 1; j < end; j++ {
		t := raw[j]
		if t.K == tPP {
			if d, rest := ppDirective(t.S); d == "include" {
				f := strings.Trim(rest, "<>\" \t")
				out = append(out, cmdEntry{IsIncl: true, Incl: path.Base(f)})
			}
			continue
		}
		if !t.is("{") {
			continue
		}
		close := matchBrace(raw, j)
		fields := splitFields(raw, j)
		j = close
		if e, ok := commandFromFields(fields); ok {
			out = append(out, e)
		}
	}
	for i := range out {
		out[i].Order = i
	}
	return out
}

// parseEntries parses a token stream (an included fragment) as a sequence
// of command entries.
func parseEntries(raw []token) []cmdEntry {
	var out []cmdEntry
	for j := 0; j < len(raw); j++ {
		if !raw[j].is("{") {
			continue
		}
		close := matchBrace(raw, j)
		fields := splitFields(raw, j)
		j = close
		if e, ok := commandFromFields(fields); ok {
			out = append(out, e)
		}
	}
	return out
}

func commandFromFields(fields [][]token) (cmdEntry, bool) {
	if len(fields) < 3 || len(fields[0]) < 2 || !fields[0][0].is("ngx_string") {
		return cmdEntry{}, false
	}
	var e cmdEntry
	for _, t := range fields[0] {
		if t.K == tStr {
			e.Name = t.S
			break
		}
	}
	if e.Name == "" {
		return cmdEntry{}, false
	}
	for _, t := range fields[1] {
		if t.K == tIdent || t.K == tNum {
			e.Type = append(e.Type, t.S)
		}
	}
	for _, t := range fields[2] {
		if t.K == tIdent {
			e.Set = t.S
		}
	}
	if len(fields) >= 6 {
		e.Post = fields[5]
	}
	return e, true
}

// parseNameArray collects the ngx_string values of an enum/bitmask array.
func parseNameArray(raw []token, open int) []string {
	end := matchBrace(raw, open)
	var out []string
	for j := open + 1; j < end; j++ {
		if raw[j].is("ngx_string") && j+2 < end && raw[j+1].is("(") && raw[j+2].K == tStr {
			out = append(out, raw[j+2].S)
		}
	}
	return out
}

func parseModule(raw []token, open int) (moduleDef, bool) {
	fields := splitFields(raw, open)
	// NGX_MODULE_V1 expands to 7 fields; written as one token here.
	if len(fields) < 4 || len(fields[0]) != 1 || fields[0][0].S != "NGX_MODULE_V1" {
		return moduleDef{}, false
	}
	var m moduleDef
	for _, t := range fields[2] {
		if t.K == tIdent {
			m.Commands = t.S
		}
	}
	for _, t := range fields[3] {
		if t.K == tIdent || t.K == tNum {
			m.Type = t.S
		}
	}
	return m, true
}

// scanFuncs finds top-level function definitions and records whether their
// body rejects a repeated directive and which functions they call with cmd.
func scanFuncs(toks []token, out map[string]funcDef) {
	for i := 0; i < len(toks); i++ {
		if !toks[i].is("{") {
			continue
		}
		end := matchBrace(toks, i)
		if i > 0 && toks[i-1].is(")") {
			// find the matching '('
			depth := 0
			k := i - 1
			for ; k >= 0; k-- {
				if toks[k].is(")") {
					depth++
				} else if toks[k].is("(") {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if k > 0 && toks[k-1].K == tIdent {
				name := toks[k-1].S
				if name != "if" && name != "while" && name != "for" && name != "switch" {
					out[name] = funcBody(toks[i+1 : end])
				}
			}
		}
		i = end
	}
}

// loopBody reports whether the '{' at i opens the body of a for/while loop.
func loopBody(body []token, i int) bool {
	if i == 0 || !body[i-1].is(")") {
		return false
	}
	depth := 0
	for k := i - 1; k >= 0; k-- {
		if body[k].is(")") {
			depth++
		} else if body[k].is("(") {
			depth--
			if depth == 0 {
				return k > 0 && (body[k-1].is("for") || body[k-1].is("while"))
			}
		}
	}
	return false
}

func funcBody(body []token) funcDef {
	var fd funcDef
	// braces opened so far, and how many of them are loop bodies: an
	// "is duplicate" inside a loop compares against earlier values (as
	// limit_conn does per zone), so a second occurrence can be accepted.
	var braces []bool
	loops := 0
	for j, t := range body {
		if t.is("{") {
			lb := loopBody(body, j)
			braces = append(braces, lb)
			if lb {
				loops++
			}
		} else if t.is("}") && len(braces) > 0 {
			if braces[len(braces)-1] {
				loops--
			}
			braces = braces[:len(braces)-1]
		}
		if t.K == tStr && strings.Contains(t.S, "is duplicate") && loops == 0 {
			fd.Dup = true
		}
		// `cf->handler = f;` followed by a block parse: f handles the
		// directive (lua's *_by_lua_block)
		if t.is("cf") && j+5 < len(body) && body[j+1].is("-") && body[j+2].is(">") &&
			body[j+3].is("handler") && body[j+4].is("=") && body[j+5].K == tIdent {
			fd.Calls = appendUnique(fd.Calls, body[j+5].S)
			fd.CfHandler = body[j+5].S
		}
		if t.K == tIdent && strings.HasSuffix(t.S, "_conf_lua_block_parse") && j+1 < len(body) && body[j+1].is("(") {
			fd.LuaBlock = true
		}
		if t.K == tIdent && j+1 < len(body) && body[j+1].is("(") {
			depth := 0
			passesCmd := false
			for k := j + 1; k < len(body); k++ {
				if body[k].is("(") {
					depth++
				} else if body[k].is(")") {
					depth--
					if depth == 0 {
						break
					}
				} else if body[k].is("cmd") && depth == 1 {
					passesCmd = true
				}
			}
			if passesCmd {
				fd.Calls = appendUnique(fd.Calls, t.S)
			}
		}
	}
	return fd
}
