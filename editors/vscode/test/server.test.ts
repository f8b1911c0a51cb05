// Finding and starting the binary from the settings.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import {
  DEFAULT_PATH,
  type Environment,
  INSTALL_COMMAND,
  defaultIsExecutable,
  expandVariables,
  missingBinaryMessage,
  readSettings,
  resolveExecutable,
  serverArgs,
} from '../src/server';

const tmp = mkdtempSync(join(tmpdir(), 'fcgilint-vscode-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

function posixEnv(env: NodeJS.ProcessEnv, extra: Partial<Environment> = {}): Environment {
  return { env, platform: 'linux', home: join(tmp, 'home'), isExecutable: defaultIsExecutable, ...extra };
}

describe('readSettings', () => {
  it('defaults', () => {
    assert.deepEqual(readSettings(() => undefined), { path: 'fcgilint', args: [] });
    assert.equal(DEFAULT_PATH, 'fcgilint');
  });
  it('ignores blank and ill-typed values', () => {
    const s = readSettings((k) => (k === 'path' ? '  ' : ['--root', 7, '/srv']));
    assert.deepEqual(s, { path: 'fcgilint', args: ['--root', '/srv'] });
  });
  it('keeps a path and arguments', () => {
    const s = readSettings((k) => (k === 'path' ? '/opt/bin/fcgilint ' : ['--root', '/srv/copy']));
    assert.deepEqual(s, { path: '/opt/bin/fcgilint', args: ['--root', '/srv/copy'] });
  });
});

describe('serverArgs', () => {
  it('runs the lsp command, then the extra arguments', () => {
    assert.deepEqual(serverArgs({ path: 'fcgilint', args: [] }), ['lsp']);
    assert.deepEqual(serverArgs({ path: 'fcgilint', args: ['--root', '/x'] }), ['lsp', '--root', '/x']);
  });
});

describe('expandVariables', () => {
  const e = posixEnv({ TOOLS: '/opt/tools' }, { home: '/home/me', workspaceFolder: '/ws' });
  it('expands ~, ${userHome}, ${workspaceFolder} and ${env:NAME}', () => {
    assert.equal(expandVariables('~/go/bin/fcgilint', e), '/home/me/go/bin/fcgilint');
    assert.equal(expandVariables('${userHome}/bin/fcgilint', e), '/home/me/bin/fcgilint');
    assert.equal(expandVariables('${workspaceFolder}/bin/fcgilint', e), '/ws/bin/fcgilint');
    assert.equal(expandVariables('${env:TOOLS}/fcgilint', e), '/opt/tools/fcgilint');
    assert.equal(expandVariables('fcgilint', e), 'fcgilint');
  });
});

describe('resolveExecutable', () => {
  const inPath = executable(join(tmp, 'path-dir', 'fcgilint'));
  const inGoBin = executable(join(tmp, 'home', 'go', 'bin', 'fcgilint-go'));
  const inGopath = executable(join(tmp, 'gopath', 'bin', 'fcgilint-gopath'));
  const notExec = join(tmp, 'path-dir', 'fcgilint-noexec');
  writeFileSync(notExec, '');
  chmodSync(notExec, 0o644);
  const relative = executable(join(tmp, 'ws', 'bin', 'fcgilint'));

  it('finds a bare name in PATH', () => {
    const r = resolveExecutable('fcgilint', posixEnv({ PATH: `/nonexistent:${join(tmp, 'path-dir')}` }));
    assert.equal(r.command, inPath);
  });
  it('falls back to ~/go/bin and $GOPATH/bin', () => {
    assert.equal(resolveExecutable('fcgilint-go', posixEnv({ PATH: '/nonexistent' })).command, inGoBin);
    assert.equal(
      resolveExecutable('fcgilint-gopath', posixEnv({ PATH: '', GOPATH: `/nonexistent:${join(tmp, 'gopath')}` })).command,
      inGopath,
    );
  });
  it('takes an absolute path as it is', () => {
    assert.equal(resolveExecutable(inPath, posixEnv({ PATH: '' })).command, inPath);
  });
  it('resolves a relative path against the workspace folder', () => {
    const r = resolveExecutable('bin/fcgilint', posixEnv({ PATH: '' }, { workspaceFolder: join(tmp, 'ws') }));
    assert.equal(r.command, relative);
  });
  it('reports a missing or non-executable binary with what it tried', () => {
    const r = resolveExecutable('fcgilint-missing', posixEnv({ PATH: join(tmp, 'path-dir') }));
    assert.equal(r.command, undefined);
    assert.ok(r.tried.includes(join(tmp, 'path-dir', 'fcgilint-missing')));
    assert.ok(r.tried.includes(join(tmp, 'home', 'go', 'bin', 'fcgilint-missing')));
    assert.equal(resolveExecutable(notExec, posixEnv({})).command, undefined);
  });
  it('tries PATHEXT on Windows', () => {
    const seen: string[] = [];
    const r = resolveExecutable('fcgilint', {
      env: { Path: 'C:\\tools;C:\\go\\bin', PATHEXT: '.COM;.EXE' },
      platform: 'win32',
      home: 'C:\\Users\\me',
      isExecutable: (f) => {
        seen.push(f);
        return f === 'C:\\go\\bin\\fcgilint.exe';
      },
    });
    assert.equal(r.command, 'C:\\go\\bin\\fcgilint.exe');
    assert.ok(seen.includes('C:\\tools\\fcgilint.exe'));
  });
});

describe('missingBinaryMessage', () => {
  it('says how to install', () => {
    assert.ok(missingBinaryMessage('fcgilint').includes(INSTALL_COMMAND));
    assert.equal(INSTALL_COMMAND, 'go install github.com/fcgilint/fcgilint/cmd/fcgilint@latest');
    assert.match(missingBinaryMessage('/opt/fcgilint'), /"\/opt\/fcgilint" \(setting fcgilint\.path\)/);
  });
});
