package fpm

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar is the Zend INI parser's (Zend/zend_ini_parser.y), one
// statement at a time. Parse calls it repeatedly on the tokens of a line, so
// a line holding several statements ("[www] listen = 9000") is read as the
// Zend parser reads it, and statements before a syntax error on the same line
// are kept.

// iniStatement is "statement" in zend_ini_parser.y.
type iniStatement struct {
	Section *iniSection  `parser:"  @@"`
	Array   *iniArray    `parser:"| @@"`
	Entry   *iniEntry    `parser:"| @@"`
	Empty   *lexer.Token `parser:"| @EOL"`
}

// iniSection: TC_SECTION section_string_or_value ']'.
type iniSection struct {
	Open  lexer.Token `parser:"@Section"`
	Parts []*iniPart  `parser:"@@*"`
	Close lexer.Token `parser:"@RBracket"`
}

// iniArray: TC_OFFSET option_offset ']' '=' string_or_value.
type iniArray struct {
	Name   lexer.Token `parser:"@Offset"`
	Key    []*iniPart  `parser:"@@*"`
	Close  lexer.Token `parser:"@RBracket"`
	Assign lexer.Token `parser:"@Assign"`
	Value  *iniValue   `parser:"@@"`
}

// iniEntry: TC_LABEL '=' string_or_value, or TC_LABEL alone (a NULL value).
type iniEntry struct {
	Name   lexer.Token  `parser:"@Label"`
	Assign *lexer.Token `parser:"( @Assign"`
	Value  *iniValue    `parser:"  @@ )?"`
}

// iniValue is string_or_value: an expression, a boolean, null, or nothing
// (the end of the line).
type iniValue struct {
	Bool  *lexer.Token `parser:"  @(True | False | Null)"`
	Expr  *iniExpr     `parser:"| @@"`
	Empty *lexer.Token `parser:"| @EOL"`
}

// iniExpr: operands joined by | & ^, all of one precedence, left-associative.
type iniExpr struct {
	Left *iniUnary   `parser:"@@"`
	Rest []*iniBinOp `parser:"@@*"`
}

type iniBinOp struct {
	Op    lexer.Token `parser:"@(Pipe | Amp | Caret)"`
	Right *iniUnary   `parser:"@@"`
}

// iniUnary binds ~ and ! tighter than the binary operators, as %precedence
// does in the Zend grammar.
type iniUnary struct {
	Op      *lexer.Token `parser:"  @(Tilde | Bang)"`
	Operand *iniUnary    `parser:"  @@"`
	Paren   *iniExpr     `parser:"| LParen @@ RParen"`
	Str     []*iniPart   `parser:"| @@+"`
}

// iniPart is one piece of var_string_list: ${VAR}, a literal token, or a
// double-quoted string.
type iniPart struct {
	Var    *iniVar      `parser:"  @@"`
	Lit    *lexer.Token `parser:"| @(Constant | Raw | Number | String | Whitespace)"`
	Quoted *iniQuoted   `parser:"| @@"`
}

type iniVar struct {
	Open  lexer.Token `parser:"@DollarCurly"`
	Name  lexer.Token `parser:"@VarName"`
	Close lexer.Token `parser:"@RBrace"`
}

// iniQuoted: '"' encapsed_list '"', where the list holds text and ${VAR}.
type iniQuoted struct {
	Open  lexer.Token      `parser:"@Quote"`
	Parts []*iniQuotedPart `parser:"@@*"`
	Close lexer.Token      `parser:"@Quote"`
}

type iniQuotedPart struct {
	Var  *iniVar      `parser:"  @@"`
	Text *lexer.Token `parser:"| @Quoted"`
}

// statementParser is built on first use: the lines most files are made of
// never need it (plainLine).
var statementParser = sync.OnceValue(func() *participle.Parser[iniStatement] {
	return participle.MustBuild[iniStatement](participle.Lexer(definition{}))
})
