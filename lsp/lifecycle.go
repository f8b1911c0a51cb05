package lsp

import (
	"encoding/json"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Settings are what the editor (initializationOptions) or a project file
// says about the machine the configuration is deployed on.
type Settings struct {
	// Root is where absolute paths, users and groups are resolved, like
	// `check --root`: a copy of a server's / kept in the workspace.
	Root         string `json:"root,omitempty"`
	NginxVersion string `json:"nginxVersion,omitempty"`
	FPMPrefix    string `json:"fpmPrefix,omitempty"`
	NginxPrefix  string `json:"nginxPrefix,omitempty"`
	Profile      string `json:"profile,omitempty"`
	NginxUser    string `json:"nginxUser,omitempty"`
	// Configs are main configurations to check whether or not they are in
	// a workspace folder (nginx.conf, php-fpm.conf).
	Configs []string `json:"configs,omitempty"`
}

// initializeParams is the part of InitializeParams glsp v0.2.2 does not
// model (3.17's position encodings) or models lossily.
type initializeParams struct {
	Capabilities struct {
		General struct {
			PositionEncodings []string `json:"positionEncodings"`
		} `json:"general"`
		Workspace struct {
			DidChangeWatchedFiles struct {
				DynamicRegistration bool `json:"dynamicRegistration"`
			} `json:"didChangeWatchedFiles"`
		} `json:"workspace"`
	} `json:"capabilities"`
	InitializationOptions *Settings `json:"initializationOptions"`
}

// serverCapabilities adds 3.17's positionEncoding to glsp's 3.16 type.
type serverCapabilities struct {
	protocol.ServerCapabilities
	PositionEncoding string `json:"positionEncoding,omitempty"`
}

type initializeResult struct {
	Capabilities serverCapabilities                   `json:"capabilities"`
	ServerInfo   *protocol.InitializeResultServerInfo `json:"serverInfo,omitempty"`
}

func (s *Server) initialize(gctx *glsp.Context, params *protocol.InitializeParams) (any, error) {
	var extra initializeParams
	_ = json.Unmarshal(gctx.Params, &extra) // glsp already validated the params

	var folders []string
	for _, f := range params.WorkspaceFolders {
		if p, ok := uriToPath(f.URI); ok {
			folders = append(folders, p)
		}
	}
	if len(folders) == 0 && params.RootURI != nil {
		if p, ok := uriToPath(*params.RootURI); ok {
			folders = append(folders, p)
		}
	}
	settings := Settings{}
	if extra.InitializationOptions != nil {
		settings = *extra.InitializationOptions
	}
	s.ws.configure(settings, folders, extra.Capabilities.Workspace.DidChangeWatchedFiles.DynamicRegistration)

	s.mu.Lock()
	s.initialized = true
	s.mu.Unlock()

	syncKind := protocol.TextDocumentSyncKindIncremental
	caps := serverCapabilities{ServerCapabilities: protocol.ServerCapabilities{
		TextDocumentSync: protocol.TextDocumentSyncOptions{
			OpenClose: ptr(true),
			Change:    &syncKind,
			Save:      protocol.SaveOptions{IncludeText: ptr(false)},
		},
		Workspace: &protocol.ServerCapabilitiesWorkspace{
			WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
				Supported:           ptr(true),
				ChangeNotifications: &protocol.BoolOrString{Value: true},
			},
		},
	}}
	// Positions are UTF-16 code units, the one encoding every client
	// supports; say so when the client asks.
	if len(extra.Capabilities.General.PositionEncodings) > 0 {
		caps.PositionEncoding = "utf-16"
	}
	s.navCapabilities(&caps.ServerCapabilities)
	version := s.opts.Version
	return initializeResult{
		Capabilities: caps,
		ServerInfo:   &protocol.InitializeResultServerInfo{Name: "fcgilint", Version: &version},
	}, nil
}

func (s *Server) initializedNotification(*glsp.Context, *protocol.InitializedParams) error {
	s.ws.start()
	return nil
}

func ptr[T any](v T) *T { return &v }
