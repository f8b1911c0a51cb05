package lsp

import (
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

func (s *Server) didOpen(_ *glsp.Context, p *protocol.DidOpenTextDocumentParams) error {
	s.ws.open(p.TextDocument.URI, p.TextDocument.Version, p.TextDocument.Text)
	return nil
}

func (s *Server) didChange(_ *glsp.Context, p *protocol.DidChangeTextDocumentParams) error {
	s.ws.change(p.TextDocument.URI, p.TextDocument.Version, p.ContentChanges)
	return nil
}

func (s *Server) didSave(_ *glsp.Context, p *protocol.DidSaveTextDocumentParams) error {
	s.ws.save(p.TextDocument.URI)
	return nil
}

func (s *Server) didClose(_ *glsp.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.ws.close(p.TextDocument.URI)
	return nil
}

func (s *Server) didChangeWatchedFiles(_ *glsp.Context, p *protocol.DidChangeWatchedFilesParams) error {
	s.ws.watched(p.Changes)
	return nil
}

func (s *Server) didChangeWorkspaceFolders(_ *glsp.Context, p *protocol.DidChangeWorkspaceFoldersParams) error {
	s.ws.mu.Lock()
	current := append([]string(nil), s.ws.folders...)
	s.ws.mu.Unlock()
	removed := map[string]bool{}
	for _, f := range p.Event.Removed {
		if path, ok := uriToPath(f.URI); ok {
			removed[path] = true
		}
	}
	var folders []string
	for _, f := range current {
		if !removed[f] {
			folders = append(folders, f)
		}
	}
	for _, f := range p.Event.Added {
		if path, ok := uriToPath(f.URI); ok {
			folders = append(folders, path)
		}
	}
	s.ws.setFolders(folders)
	return nil
}
