// Which documents the fcgilint language server is given.
//
// This module must not import 'vscode': the unit tests load it under plain
// node. Its filters have the shape of vscode.DocumentFilter.
//
// Documents are selected by language *and* by glob: VS Code has no built-in
// nginx language (files such as sites-enabled/default open as plaintext) and
// maps `.conf` to `properties`, so a language alone misses most files.

/** The shape of vscode.DocumentFilter (always with a scheme). */
export interface DocumentFilter {
  readonly language?: string;
  readonly scheme: string;
  readonly pattern?: string;
}

/** Language ids that popular nginx extensions (and this one) give nginx files. */
export const NGINX_LANGUAGES: readonly string[] = ['nginx'];

/** Globs of nginx files, whatever language VS Code gave them. */
export const NGINX_GLOBS: readonly string[] = [
  '**/nginx.conf',
  '**/nginx/**/*.conf',
  '**/nginx/**/*.nginx',
  '**/*.nginx',
  '**/sites-available/**',
  '**/sites-enabled/**',
  '**/conf.d/*.conf',
  '**/snippets/*.conf',
  '**/fastcgi*.conf',
  '**/fastcgi_params',
];

/** Globs of php-fpm files (the main configuration and pools). */
export const FPM_GLOBS: readonly string[] = [
  '**/php-fpm.conf',
  '**/php-fpm.d/*.conf',
  '**/pool.d/*.conf',
  '**/fpm/**/*.conf',
  '**/www.conf',
];

/**
 * Languages that php-fpm files get in VS Code (`.conf` is `properties`,
 * `.ini` is `ini`, and `plaintext` when the built-in INI extension is
 * disabled); they are selected only under FPM_GLOBS, so that other INI and
 * properties files are not sent to the server.
 */
export const FPM_LANGUAGES: readonly string[] = ['ini', 'properties', 'plaintext'];

/** The document selector handed to the language client. */
export function documentSelector(): DocumentFilter[] {
  const sel: DocumentFilter[] = [];
  for (const language of NGINX_LANGUAGES) {
    sel.push({ scheme: 'file', language });
    sel.push({ scheme: 'untitled', language });
  }
  for (const pattern of NGINX_GLOBS) {
    sel.push({ scheme: 'file', pattern });
  }
  for (const pattern of FPM_GLOBS) {
    for (const language of FPM_LANGUAGES) {
      sel.push({ scheme: 'file', language, pattern });
    }
  }
  return sel;
}

/** A document as the matcher sees it. */
export interface DocumentInfo {
  scheme: string;
  /** Absolute file-system path (forward slashes); empty for untitled documents. */
  path: string;
  languageId: string;
}

/** Matches a glob against a path; VS Code's own matcher at run time. */
export type GlobMatcher = (pattern: string, path: string) => boolean;

/**
 * Reports whether one filter selects the document, as
 * vscode.languages.match does: every field present must match.
 */
export function filterMatches(f: DocumentFilter, doc: DocumentInfo, glob: GlobMatcher): boolean {
  if (f.scheme !== doc.scheme) {
    return false;
  }
  if (f.language !== undefined && f.language !== doc.languageId) {
    return false;
  }
  if (f.pattern !== undefined && (doc.path === '' || !glob(f.pattern, doc.path))) {
    return false;
  }
  return true;
}

/** Reports whether the selector selects the document. */
export function selects(sel: readonly DocumentFilter[], doc: DocumentInfo, glob: GlobMatcher): boolean {
  return sel.some((f) => filterMatches(f, doc, glob));
}

/**
 * Directories whose files a path glob may catch but that hold no nginx or
 * php-fpm configuration: Apache's sites-enabled/ and conf.d/, fontconfig's
 * conf.d/. The server lints any file it is sent that it cannot classify as
 * nginx, so such files are kept from it unless their language is nginx.
 */
export const EXCLUDED_DIRECTORIES: readonly string[] = ['apache2', 'apache', 'httpd', 'fonts', 'fontconfig'];

/** Reports whether a document is kept from the server although the selector selects it. */
export function isExcluded(doc: DocumentInfo): boolean {
  if (NGINX_LANGUAGES.includes(doc.languageId) || doc.path === '') {
    return false;
  }
  const dirs = doc.path.split(/[\\/]/).slice(0, -1);
  return dirs.some((d) => EXCLUDED_DIRECTORIES.includes(d));
}

/** Reports whether the server is sent the document: selected and not excluded. */
export function serverReceives(sel: readonly DocumentFilter[], doc: DocumentInfo, glob: GlobMatcher): boolean {
  return selects(sel, doc, glob) && !isExcluded(doc);
}
