// How the fcgilint binary is found and started, from the extension's
// settings. Plain node (no 'vscode' import), so that it is unit-tested.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_PATH = 'fcgilint';
export const INSTALL_COMMAND = 'go install github.com/fcgilint/fcgilint/cmd/fcgilint@latest';

export interface Settings {
  /** fcgilint.path: a path, or a command name looked up in PATH. */
  path: string;
  /** fcgilint.args: extra arguments after `fcgilint lsp`. */
  args: string[];
}

/** Reads and validates the settings through a getter such as WorkspaceConfiguration.get. */
export function readSettings(get: (key: string) => unknown): Settings {
  const p = get('path');
  const a = get('args');
  return {
    path: typeof p === 'string' && p.trim() !== '' ? p.trim() : DEFAULT_PATH,
    args: Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [],
  };
}

/**
 * The server's arguments. vscode-languageclient appends `--stdio` for the
 * stdio transport; `fcgilint lsp` accepts and ignores it.
 */
export function serverArgs(s: Settings): string[] {
  return ['lsp', ...s.args];
}

export interface Environment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  /** The first workspace folder's path, if any. */
  workspaceFolder?: string;
  isExecutable: (file: string) => boolean;
}

export function defaultIsExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

export function currentEnvironment(workspaceFolder?: string): Environment {
  return {
    env: process.env,
    platform: process.platform,
    home: os.homedir(),
    workspaceFolder,
    isExecutable: defaultIsExecutable,
  };
}

/** Expands `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` in a setting. */
export function expandVariables(value: string, e: Environment): string {
  let v = value.replace(/\$\{(userHome|workspaceFolder|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (m, name: string, envName?: string) => {
    if (name === 'userHome') {
      return e.home;
    }
    if (name === 'workspaceFolder') {
      return e.workspaceFolder ?? m;
    }
    return e.env[envName ?? ''] ?? '';
  });
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) {
    v = e.home + v.slice(1);
  }
  return v;
}

function pathModule(e: Environment): path.PlatformPath {
  return e.platform === 'win32' ? path.win32 : path.posix;
}

/**
 * Directories searched, in order, for a bare command name: PATH, then where
 * `go install` puts binaries ($GOBIN, each $GOPATH/bin, ~/go/bin), because
 * an editor started from a desktop menu often lacks them in its PATH.
 */
export function searchDirectories(e: Environment): string[] {
  const p = pathModule(e);
  const dirs: string[] = [];
  const pathVar = e.env.PATH ?? e.env.Path ?? '';
  dirs.push(...pathVar.split(p.delimiter).filter((d) => d !== ''));
  if (e.env.GOBIN) {
    dirs.push(e.env.GOBIN);
  }
  for (const g of (e.env.GOPATH ?? '').split(p.delimiter).filter((d) => d !== '')) {
    dirs.push(p.join(g, 'bin'));
  }
  dirs.push(p.join(e.home, 'go', 'bin'));
  return [...new Set(dirs)];
}

export interface Resolution {
  /** The executable found, or undefined. */
  command?: string;
  /** What was tried, for the error message. */
  tried: string[];
}

/** Finds the fcgilint executable named by the fcgilint.path setting. */
export function resolveExecutable(setting: string, e: Environment): Resolution {
  const p = pathModule(e);
  const value = expandVariables(setting, e);
  const exts =
    e.platform === 'win32'
      ? ['', ...(e.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((x) => x !== '').map((x) => x.toLowerCase())]
      : [''];
  const tried: string[] = [];
  const tryFile = (file: string): string | undefined => {
    for (const ext of exts) {
      const f = file + ext;
      tried.push(f);
      if (e.isExecutable(f)) {
        return f;
      }
    }
    return undefined;
  };
  const hasSeparator = value.includes('/') || (e.platform === 'win32' && value.includes('\\'));
  if (p.isAbsolute(value) || hasSeparator) {
    const base = e.workspaceFolder ?? process.cwd();
    return { command: tryFile(p.resolve(base, value)), tried };
  }
  for (const dir of searchDirectories(e)) {
    const found = tryFile(p.join(dir, value));
    if (found !== undefined) {
      return { command: found, tried };
    }
  }
  return { command: undefined, tried };
}

/** The message shown when the binary cannot be found. */
export function missingBinaryMessage(setting: string): string {
  const what = setting === DEFAULT_PATH ? 'The fcgilint binary was not found in PATH, $GOBIN, $GOPATH/bin or ~/go/bin' : `The fcgilint binary "${setting}" (setting fcgilint.path) was not found or is not executable`;
  return `${what}. Install it with \`${INSTALL_COMMAND}\` (Go 1.22 or later), or set "fcgilint.path" to its location.`;
}
