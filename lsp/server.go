// Package lsp is fcgilint's language server: it keeps the editor's unsaved
// buffers as overlays, re-lints every configuration set an edited file
// belongs to, and publishes the findings of every file of those sets, so
// that editing a php-fpm pool updates the nginx site that passes to it.
//
// It uses glsp's protocol types and dispatcher over its own
// sourcegraph/jsonrpc2 connection rather than glsp's server, which handles
// every message on the read loop, recovers no panic and sets no exit code.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Error codes the specification adds to JSON-RPC's.
const (
	codeServerNotInitialized = -32002
	codeRequestCancelled     = -32800
)

// Options configure a server.
type Options struct {
	// Log receives the server's own log lines; nil discards them. It must
	// never be the protocol stream.
	Log io.Writer
	// Debounce is how long a burst of edits must pause before the sets they
	// touch are linted again; an edit after a quiet period is linted at
	// once. Zero means DefaultDebounce.
	Debounce time.Duration
	// Version is reported as serverInfo.version.
	Version string
}

// DefaultDebounce keeps a fast typist from queueing one lint per keystroke
// while staying under what a person notices.
const DefaultDebounce = 30 * time.Millisecond

// Server is one language server session.
type Server struct {
	opts     Options
	logger   *log.Logger
	dispatch protocol.Handler

	// conn is set by Serve and by the first message: jsonrpc2 starts
	// reading before NewConn returns.
	conn atomic.Pointer[jsonrpc2.Conn]
	ctx  context.Context // lives as long as the session

	mu          sync.Mutex
	initialized bool
	shutdown    bool
	inflight    map[jsonrpc2.ID]context.CancelFunc
	requestCtx  map[*glsp.Context]context.Context

	exited   chan struct{}
	exitOnce sync.Once
	exitCode int

	ws *workspace
}

// NewServer returns a server ready to Serve one connection.
func NewServer(opts Options) *Server {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	logOut := opts.Log
	if logOut == nil {
		logOut = io.Discard
	}
	s := &Server{
		opts:       opts,
		logger:     log.New(logOut, "fcgilint lsp: ", log.LstdFlags|log.Lmicroseconds),
		inflight:   map[jsonrpc2.ID]context.CancelFunc{},
		requestCtx: map[*glsp.Context]context.Context{},
		exited:     make(chan struct{}),
	}
	s.ws = newWorkspace(s)
	s.dispatch = protocol.Handler{
		Initialize:                         s.initialize,
		Initialized:                        s.initializedNotification,
		SetTrace:                           func(*glsp.Context, *protocol.SetTraceParams) error { return nil },
		TextDocumentDidOpen:                s.didOpen,
		TextDocumentDidChange:              s.didChange,
		TextDocumentDidSave:                s.didSave,
		TextDocumentDidClose:               s.didClose,
		WorkspaceDidChangeWatchedFiles:     s.didChangeWatchedFiles,
		WorkspaceDidChangeWorkspaceFolders: s.didChangeWorkspaceFolders,
		WorkspaceDidChangeConfiguration:    func(*glsp.Context, *protocol.DidChangeConfigurationParams) error { return nil },
	}
	s.wireNavigation()
	return s
}

// Serve runs the session over stream until the client sends exit or goes
// away, and returns the process exit code the specification asks for: 0
// after shutdown and exit, 1 otherwise.
func (s *Server) Serve(ctx context.Context, stream io.ReadWriteCloser) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.ctx = ctx
	conn := jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(stream, jsonrpc2.VSCodeObjectCodec{}), s,
		jsonrpc2.SetLogger(s.logger))
	s.conn.Store(conn)
	select {
	case <-s.exited:
	case <-conn.DisconnectNotify():
		s.mu.Lock()
		code := 1
		if s.shutdown {
			code = 0
		}
		s.mu.Unlock()
		s.finish(code)
	case <-ctx.Done():
		s.finish(1)
	}
	cancel()
	s.ws.stop()
	conn.Close()
	return s.exitCode
}

func (s *Server) finish(code int) {
	s.exitOnce.Do(func() {
		s.exitCode = code
		close(s.exited)
	})
}

// syncMethods are handled on the read loop, in the order they arrive: the
// document state each later message sees depends on them.
var syncMethods = map[string]bool{
	protocol.MethodInitialize:                         true,
	protocol.MethodInitialized:                        true,
	protocol.MethodTextDocumentDidOpen:                true,
	protocol.MethodTextDocumentDidChange:              true,
	protocol.MethodTextDocumentDidSave:                true,
	protocol.MethodTextDocumentDidClose:               true,
	protocol.MethodWorkspaceDidChangeWatchedFiles:     true,
	protocol.MethodWorkspaceDidChangeWorkspaceFolders: true,
	protocol.MethodWorkspaceDidChangeConfiguration:    true,
	protocol.MethodSetTrace:                           true,
}

// Handle implements jsonrpc2.Handler; jsonrpc2 calls it on its read loop.
func (s *Server) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	s.conn.CompareAndSwap(nil, conn)
	defer s.recoverHandler(ctx, conn, req)
	switch req.Method {
	case protocol.MethodExit:
		s.mu.Lock()
		code := 1
		if s.shutdown {
			code = 0
		}
		s.mu.Unlock()
		s.finish(code)
		return
	case protocol.MethodCancelRequest:
		// Handled here rather than by glsp: its IntegerOrString decoder has a
		// value receiver and loses the request ID.
		s.cancelRequest(req)
		return
	}
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case shutdown:
		s.replyError(ctx, req, jsonrpc2.CodeInvalidRequest, "the server is shut down; only exit is accepted")
		return
	case !initialized && req.Method != protocol.MethodInitialize:
		s.replyError(ctx, req, codeServerNotInitialized, "the server is not initialized")
		return
	case initialized && req.Method == protocol.MethodInitialize:
		s.replyError(ctx, req, jsonrpc2.CodeInvalidRequest, "initialize was already received")
		return
	case req.Method == protocol.MethodShutdown:
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		s.ws.stop()
		s.reply(ctx, req, nil)
		return
	}
	if syncMethods[req.Method] || req.Notif {
		s.call(ctx, req)
		return
	}
	reqCtx, cancel := context.WithCancel(s.ctx)
	s.mu.Lock()
	s.inflight[req.ID] = cancel
	s.mu.Unlock()
	go func() {
		defer s.recoverHandler(reqCtx, conn, req)
		defer func() {
			s.mu.Lock()
			delete(s.inflight, req.ID)
			s.mu.Unlock()
			cancel()
		}()
		s.call(reqCtx, req)
	}()
}

// call runs one message through glsp's dispatcher and answers it.
func (s *Server) call(ctx context.Context, req *jsonrpc2.Request) {
	var params json.RawMessage
	if req.Params != nil {
		params = *req.Params
	}
	gctx := &glsp.Context{
		Method: req.Method,
		Params: params,
		Notify: func(method string, params any) { s.notify(method, params) },
		Call: func(method string, params any, result any) {
			if err := s.conn.Load().Call(ctx, method, params, result); err != nil {
				s.logger.Printf("%s: %v", method, err)
			}
		},
	}
	s.mu.Lock()
	s.requestCtx[gctx] = ctx
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.requestCtx, gctx)
		s.mu.Unlock()
	}()
	result, validMethod, validParams, err := s.dispatch.Handle(gctx)
	if req.Notif {
		if err != nil {
			s.logger.Printf("%s: %v", req.Method, err)
		}
		return
	}
	switch {
	case !validMethod:
		s.replyError(ctx, req, jsonrpc2.CodeMethodNotFound, "method not supported: "+req.Method)
	case !validParams:
		msg := "invalid params"
		if err != nil {
			msg += ": " + err.Error()
		}
		s.replyError(ctx, req, jsonrpc2.CodeInvalidParams, msg)
	case ctx.Err() != nil && (err != nil || result == nil):
		s.replyError(ctx, req, codeRequestCancelled, "request cancelled")
	case err != nil:
		var rpcErr *jsonrpc2.Error
		if errors.As(err, &rpcErr) {
			s.sendError(req, rpcErr)
			return
		}
		s.replyError(ctx, req, jsonrpc2.CodeInternalError, err.Error())
	default:
		s.reply(ctx, req, result)
	}
}

// contextOf is the cancellable context of the request gctx belongs to:
// $/cancelRequest cancels it.
func (s *Server) contextOf(gctx *glsp.Context) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ctx, ok := s.requestCtx[gctx]; ok {
		return ctx
	}
	return s.ctx
}

func (s *Server) cancelRequest(req *jsonrpc2.Request) {
	if req.Params == nil {
		return
	}
	var params struct {
		ID jsonrpc2.ID `json:"id"`
	}
	if err := json.Unmarshal(*req.Params, &params); err != nil {
		return
	}
	s.mu.Lock()
	cancel := s.inflight[params.ID]
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// recoverHandler turns a panic in a handler into a log message to the
// client and an error response, so that one bad request cannot end the
// session.
func (s *Server) recoverHandler(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	r := recover()
	if r == nil {
		return
	}
	s.logger.Printf("panic handling %s: %v\n%s", req.Method, r, debug.Stack())
	s.logToClient(protocol.MessageTypeError, fmt.Sprintf("fcgilint: internal error handling %s: %v", req.Method, r))
	if !req.Notif {
		s.replyError(ctx, req, jsonrpc2.CodeInternalError, fmt.Sprintf("internal error: %v", r))
	}
}

func (s *Server) reply(ctx context.Context, req *jsonrpc2.Request, result any) {
	if req.Notif {
		return
	}
	if err := s.conn.Load().Reply(context.Background(), req.ID, result); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		s.logger.Printf("reply to %s: %v", req.Method, err)
	}
}

func (s *Server) replyError(ctx context.Context, req *jsonrpc2.Request, code int64, msg string) {
	if req.Notif {
		return
	}
	s.sendError(req, &jsonrpc2.Error{Code: code, Message: msg})
}

func (s *Server) sendError(req *jsonrpc2.Request, e *jsonrpc2.Error) {
	if err := s.conn.Load().ReplyWithError(context.Background(), req.ID, e); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		s.logger.Printf("reply to %s: %v", req.Method, err)
	}
}

func (s *Server) notify(method string, params any) {
	conn := s.conn.Load()
	if conn == nil {
		return
	}
	if err := conn.Notify(context.Background(), method, params); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		s.logger.Printf("notify %s: %v", method, err)
	}
}

func (s *Server) logToClient(kind protocol.MessageType, msg string) {
	s.notify(protocol.ServerWindowLogMessage, protocol.LogMessageParams{Type: kind, Message: msg})
}
