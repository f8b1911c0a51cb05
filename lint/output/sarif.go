package output

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/rules"
)

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	srcRoot      = "%SRCROOT%"
	toolURI      = "https://github.com/fcgilint/fcgilint"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	InformationURI  string      `json:"informationUri"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

type sarifChange struct {
	ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifFix struct {
	Description     sarifText     `json:"description"`
	ArtifactChanges []sarifChange `json:"artifactChanges"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
}

func level(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

// writeSARIF writes one SARIF 2.1.0 run in the shape GitHub code scanning
// expects: every rule with full metadata, results with start and end in
// UTF-16 columns, related locations linked from the message, and
// fingerprints that survive lines moving.
func writeSARIF(w io.Writer, ds []diag.Diagnostic, opts Options) error {
	base := opts.Meta.BaseDir
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: "fcgilint", InformationURI: toolURI, Version: toolVersion(opts.Meta.Version), SemanticVersion: semver(opts.Meta.Version)}},
		Results:    []sarifResult{},
		ColumnKind: "utf16CodeUnits",
	}
	if base != "" {
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(base) + "/"}
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{srcRoot: {URI: u.String()}}
	}
	index := map[string]int{}
	for i, r := range rules.All() {
		index[r.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(r))
	}
	artifact := func(file string) sarifArtifactLoc {
		file = opts.DiskPath(file)
		r := rel(base, file)
		if base != "" && !filepath.IsAbs(r) {
			return sarifArtifactLoc{URI: escapePath(r), URIBaseID: srcRoot}
		}
		abs, _ := filepath.Abs(file)
		return sarifArtifactLoc{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()}
	}
	region := func(l diag.Location) sarifRegion {
		x := opts.Sources(l.File)
		col := func(p diag.Pos) int {
			if x == nil {
				return p.Column
			}
			return x.UTF16Column(p.Line, p.Column) + 1
		}
		s, e := l.Range.Start, l.Range.End
		if e.Offset < s.Offset || e.Line < s.Line {
			e = s
		}
		return sarifRegion{StartLine: max(s.Line, 1), StartColumn: max(col(s), 1), EndLine: max(e.Line, 1), EndColumn: max(col(e), 1)}
	}
	seen := map[string]int{}
	for _, d := range ds {
		idx, ok := index[d.Rule]
		if !ok {
			// Every reported rule is registered; keep output valid if not.
			idx = len(run.Tool.Driver.Rules)
			index[d.Rule] = idx
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(&rules.Rule{ID: d.Rule, Title: d.Rule, Doc: d.Rule, Severity: d.Severity}))
		}
		msg := d.Message
		res := sarifResult{RuleID: d.Rule, RuleIndex: idx, Level: level(d.Severity),
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(d.Location.File), Region: region(d.Location)}}}}
		for i, r := range d.Related {
			id := i + 1
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{ID: &id,
				PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(r.Location.File), Region: region(r.Location)},
				Message:          &sarifText{Text: r.Message}})
			msg += fmt.Sprintf(" See [%s](%d).", escapeLinkText(r.Message), id)
		}
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		res.Message = sarifText{Text: msg}
		for _, f := range d.Fixes {
			fix := sarifFix{Description: sarifText{Text: f.Title}}
			byFile := map[string]int{}
			for _, e := range f.Edits {
				i, ok := byFile[e.Location.File]
				if !ok {
					i = len(fix.ArtifactChanges)
					byFile[e.Location.File] = i
					fix.ArtifactChanges = append(fix.ArtifactChanges, sarifChange{ArtifactLocation: artifact(e.Location.File)})
				}
				fix.ArtifactChanges[i].Replacements = append(fix.ArtifactChanges[i].Replacements,
					sarifReplacement{DeletedRegion: region(e.Location), InsertedContent: sarifText{Text: e.NewText}})
			}
			res.Fixes = append(res.Fixes, fix)
		}
		key := fingerprintKey(d, rel(base, opts.DiskPath(d.Location.File)), opts.Sources)
		seen[key]++
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", key, seen[key])))
		res.PartialFingerprints = map[string]string{"fcgilintFingerprint/v1": hex.EncodeToString(sum[:16])}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// fingerprintKey identifies a finding by rule, file and the text of the
// flagged line (whitespace-normalised), not by its line number, so that it
// stays the same when lines are added above it.
func fingerprintKey(d diag.Diagnostic, file string, src Sources) string {
	text := ""
	if x := src(d.Location.File); x != nil {
		text = strings.Join(strings.Fields(string(x.Line(d.Location.Range.Start.Line))), " ")
	}
	return d.Rule + "\x00" + file + "\x00" + text
}

func sarifRuleOf(r *rules.Rule) sarifRule {
	props := map[string]any{"tags": append([]string{}, r.Tags...), "precision": "very-high", "problem.severity": level(r.Severity)}
	if r.Tags == nil {
		props["tags"] = []string{}
	}
	if r.SecuritySeverity != "" {
		props["security-severity"] = r.SecuritySeverity
		props["tags"] = appendUnique(props["tags"].([]string), "security")
	}
	title := r.Title
	if !strings.HasSuffix(title, ".") {
		title += "."
	}
	doc := r.Doc
	if !strings.HasSuffix(doc, ".") {
		doc += "."
	}
	return sarifRule{
		ID:                   r.ID,
		Name:                 pascal(r.ID),
		ShortDescription:     sarifText{Text: title},
		FullDescription:      sarifText{Text: doc},
		Help:                 sarifText{Text: doc + " See " + r.HelpURI(), Markdown: fmt.Sprintf("%s\n\n[Documentation for %s](%s)", doc, r.ID, r.HelpURI())},
		HelpURI:              r.HelpURI(),
		DefaultConfiguration: sarifConfig{Level: level(r.Severity)},
		Properties:           props,
	}
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// pascal turns "fastcgi-pass-no-listener" into "FastcgiPassNoListener".
func pascal(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '-' || r == '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func escapeLinkText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// toolVersion is the driver's version. The SARIF Multitool (SARIF2005) wants
// it to start with a number so that consumers can compare versions; a build
// without a release version ("dev") is reported as 0.0.0-dev, the way Go
// numbers untagged modules.
func toolVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" {
		return ""
	}
	if v[0] < '0' || v[0] > '9' {
		return "0.0.0-" + v
	}
	return v
}

// semver keeps versions like "0.1.0" and drops anything else, since SARIF
// wants semantic versions there.
func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) != 3 {
		return ""
	}
	for _, p := range parts[:2] {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return ""
		}
	}
	return v
}
