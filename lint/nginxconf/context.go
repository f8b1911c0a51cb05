package nginxconf

// BlockContext is the context a block directive opens, given the context it
// stands in (nginx decides it in each block directive's handler).
func BlockContext(name string, outer Context, nargs int) Context {
	switch name {
	case "map", "geo", "types", "split_clients", "charset_map", "match", "geoip2":
		return CtxEntries
	}
	switch outer {
	case CtxMain:
		switch name {
		case "http":
			return CtxHTTPMain
		case "events":
			return CtxEvent
		case "stream":
			return CtxStreamMain
		case "mail":
			return CtxMailMain
		case "rtmp":
			return CtxRTMPMain
		}
	case CtxHTTPMain:
		switch name {
		case "server":
			return CtxHTTPSrv
		case "upstream":
			return CtxHTTPUps
		}
	case CtxHTTPSrv:
		switch name {
		case "location":
			return CtxHTTPLoc
		case "if":
			return CtxHTTPSif
		}
	case CtxHTTPLoc, CtxHTTPLif:
		switch name {
		case "location":
			return CtxHTTPLoc
		case "if":
			return CtxHTTPLif
		case "limit_except":
			return CtxHTTPLmt
		}
	case CtxHTTPSif:
		if name == "if" {
			return CtxHTTPSif
		}
	case CtxStreamMain:
		switch name {
		case "server":
			return CtxStreamSrv
		case "upstream":
			return CtxStreamUps
		}
	case CtxMailMain:
		if name == "server" {
			return CtxMailSrv
		}
	case CtxRTMPMain:
		if name == "server" {
			return CtxRTMPSrv
		}
	case CtxRTMPSrv:
		if name == "application" {
			return CtxRTMPApp
		}
	case CtxRTMPApp:
		switch name {
		case "recorder":
			return CtxRTMPRec
		case "application":
			return CtxRTMPApp
		}
	}
	// A block directive where it has no meaning (an error the directive
	// checks report): read its content in the same context, so that its
	// directives are checked rather than dropped.
	return outer
}

// StandaloneCandidates are the contexts a file opened without its main
// configuration may be meant for, in order of preference.
var StandaloneCandidates = []Context{CtxMain, CtxHTTPMain, CtxHTTPSrv, CtxHTTPLoc, CtxStreamMain, CtxStreamSrv, CtxMailMain, CtxMailSrv, CtxHTTPUps, CtxStreamUps, CtxEvent}
