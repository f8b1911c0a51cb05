// Which documents go to the server. Run under plain node (node:test), with
// minimatch standing in for VS Code's glob matcher (same `**`, `*`, `{}`
// semantics for these patterns, matched against the absolute path).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { minimatch } from 'minimatch';

import {
  type DocumentInfo,
  FPM_GLOBS,
  NGINX_GLOBS,
  documentSelector,
  isExcluded,
  selects,
  serverReceives,
} from '../src/selector';

const glob = (pattern: string, path: string): boolean => minimatch(path, pattern, { dot: true });
const sel = documentSelector();

const file = (path: string, languageId: string): DocumentInfo => ({ scheme: 'file', path, languageId });

// Every path with the language VS Code gives it out of the box: `.conf` is
// `properties`, files without an extension are `plaintext` (or `nginx` when
// an nginx extension, or this one, recognises them).
const selected: DocumentInfo[] = [
  file('/etc/php/8.2/fpm/pool.d/www.conf', 'properties'),
  file('/etc/php/8.2/fpm/pool.d/www.conf', 'ini'),
  file('/etc/php/8.2/fpm/pool.d/www.conf', 'plaintext'),
  file('/etc/php/8.2/fpm/php-fpm.conf', 'properties'),
  file('/etc/php/7.4/fpm/pool.d/api.conf', 'properties'),
  file('/etc/php-fpm.conf', 'properties'),
  file('/etc/php-fpm.d/www.conf', 'properties'),
  file('/usr/local/etc/php-fpm.d/zz-docker.conf', 'properties'),
  file('/usr/local/etc/php-fpm.conf', 'properties'),
  file('/home/me/site/deploy/php/fpm/pools/app.conf', 'properties'),
  file('/etc/nginx/sites-enabled/default', 'plaintext'),
  file('/etc/nginx/sites-enabled/default', 'nginx'),
  file('/etc/nginx/sites-available/example.com', 'plaintext'),
  file('/etc/nginx/sites-available/example.com.conf', 'properties'),
  file('/etc/nginx/nginx.conf', 'properties'),
  file('/etc/nginx/conf.d/default.conf', 'properties'),
  file('/etc/nginx/snippets/fastcgi-php.conf', 'properties'),
  file('/etc/nginx/fastcgi_params', 'plaintext'),
  file('/etc/nginx/fastcgi.conf', 'properties'),
  file('/usr/local/nginx/conf/nginx.conf', 'properties'),
  file('/srv/repo/etc/nginx/sites-enabled/shop', 'plaintext'),
  file('/srv/repo/docker/nginx/default.conf', 'properties'),
  file('/srv/repo/app.nginx', 'plaintext'),
  file('/anywhere/at/all.txt', 'nginx'),
  { scheme: 'untitled', path: '', languageId: 'nginx' },
];

const notSelected: DocumentInfo[] = [
  file('/etc/php/8.2/fpm/php.ini', 'ini'),
  file('/etc/php/8.2/cli/php.ini', 'ini'),
  file('/home/me/project/app.properties', 'properties'),
  file('/home/me/project/settings.ini', 'ini'),
  file('/home/me/project/.editorconfig', 'properties'),
  file('/etc/ssh/sshd_config', 'plaintext'),
  file('/etc/sysctl.conf', 'properties'),
  file('/home/me/project/README.md', 'markdown'),
  { scheme: 'untitled', path: '', languageId: 'properties' },
  { scheme: 'git', path: '/etc/php/8.2/fpm/pool.d/www.conf', languageId: 'properties' },
];

describe('documentSelector', () => {
  for (const doc of selected) {
    it(`selects ${doc.scheme}:${doc.path || '(untitled)'} as ${doc.languageId}`, () => {
      assert.ok(selects(sel, doc, glob), `${doc.path} (${doc.languageId}) is not selected`);
    });
  }
  for (const doc of notSelected) {
    it(`leaves ${doc.scheme}:${doc.path || '(untitled)'} as ${doc.languageId}`, () => {
      assert.ok(!selects(sel, doc, glob), `${doc.path} (${doc.languageId}) is selected`);
    });
  }

  it('keeps Apache and fontconfig files from the server unless they are nginx', () => {
    const kept = [
      file('/etc/apache2/sites-enabled/000-default.conf', 'properties'),
      file('/etc/apache2/sites-available/default-ssl.conf', 'plaintext'),
      file('/etc/httpd/conf.d/ssl.conf', 'properties'),
      file('/etc/httpd/conf.d/www.conf', 'properties'),
      file('/etc/fonts/conf.d/10-hinting-slight.conf', 'properties'),
    ];
    for (const doc of kept) {
      assert.ok(selects(sel, doc, glob), `${doc.path} is not even selected`);
      assert.ok(isExcluded(doc), `${doc.path} is not excluded`);
      assert.ok(!serverReceives(sel, doc, glob), `${doc.path} reaches the server`);
    }
    assert.ok(serverReceives(sel, file('/etc/apache2/sites-enabled/proxy.conf', 'nginx'), glob));
    for (const doc of selected) {
      assert.ok(serverReceives(sel, doc, glob), `${doc.path} (${doc.languageId}) does not reach the server`);
    }
  });

  it('restricts ini and properties documents to php-fpm paths', () => {
    for (const f of sel) {
      if (f.language === 'ini' || f.language === 'properties' || f.language === 'plaintext') {
        assert.ok(f.pattern !== undefined && FPM_GLOBS.includes(f.pattern), JSON.stringify(f));
      }
    }
  });

  it('selects only file and untitled documents', () => {
    for (const f of sel) {
      assert.ok(f.scheme === 'file' || f.scheme === 'untitled', JSON.stringify(f));
    }
  });

  it('has every brief glob', () => {
    for (const g of ['**/nginx.conf', '**/nginx/**/*.conf', '**/sites-available/**', '**/sites-enabled/**', '**/conf.d/*.conf', '**/snippets/*.conf', '**/fastcgi*.conf', '**/fastcgi_params']) {
      assert.ok(NGINX_GLOBS.includes(g), g);
    }
    for (const g of ['**/php-fpm.conf', '**/php-fpm.d/*.conf', '**/pool.d/*.conf', '**/fpm/**/*.conf', '**/www.conf']) {
      assert.ok(FPM_GLOBS.includes(g), g);
    }
  });
});

// package.json is what VS Code reads: its settings, commands and activation
// events must agree with the code.
describe('package.json', () => {
  const root = join(__dirname, '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const source = readFileSync(join(root, 'src', 'extension.ts'), 'utf8');

  it('declares the settings with their defaults', () => {
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['fcgilint.path'].default, 'fcgilint');
    assert.deepEqual(props['fcgilint.args'].default, []);
    assert.deepEqual(props['fcgilint.trace.server'].enum, ['off', 'messages', 'verbose']);
  });

  it('declares every command the extension registers', () => {
    const declared = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]);
    assert.ok(registered.length >= 2);
    for (const c of registered) {
      assert.ok(declared.has(c), `command ${c} is not in package.json`);
    }
    assert.ok(declared.has('fcgilint.restartServer'));
  });

  it('activates on every selected language', () => {
    const events = new Set<string>(pkg.activationEvents);
    for (const f of sel) {
      if (f.language !== undefined && f.language !== 'plaintext') {
        assert.ok(events.has(`onLanguage:${f.language}`), `no onLanguage:${f.language}`);
      }
    }
  });

  it('uses the client id that owns fcgilint.trace.server', () => {
    assert.match(source, /const CLIENT_ID = 'fcgilint'/);
  });

  it('gives the contributed nginx language the Debian site files', () => {
    const nginx = pkg.contributes.languages.find((l: { id: string }) => l.id === 'nginx');
    const patterns: string[] = nginx.filenamePatterns;
    const hit = (p: string) => patterns.some((g) => glob(g, p)) || nginx.filenames.includes(p.split('/').pop());
    assert.ok(hit('/etc/nginx/sites-enabled/default'));
    assert.ok(hit('/etc/nginx/nginx.conf'));
    assert.ok(hit('/etc/nginx/snippets/fastcgi-php.conf'));
    assert.ok(!hit('/etc/php/8.2/fpm/pool.d/www.conf'));
    assert.ok(!hit('/etc/apache2/sites-enabled/000-default.conf'));
  });
});
