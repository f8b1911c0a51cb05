// The contributed nginx grammar, tokenized with VS Code's own TextMate engine
// (vscode-textmate + the Oniguruma regex engine VS Code uses).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = join(__dirname, '..', '..');
let grammar: vsctm.IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== 'source.nginx.fcgilint') {
        return null;
      }
      const path = join(root, 'syntaxes', 'nginx.tmLanguage.json');
      return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  const g = await registry.loadGrammar('source.nginx.fcgilint');
  assert.ok(g, 'grammar did not load');
  grammar = g;
});

/** Tokenizes the text; returns [token text, innermost scope] pairs. */
function tokens(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let state = vsctm.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      out.push([line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
    }
    state = r.ruleStack;
  }
  return out;
}

function scopeOf(text: string, token: string): string {
  const t = tokens(text).find(([s]) => s === token);
  assert.ok(t, `no token ${JSON.stringify(token)} in ${JSON.stringify(tokens(text))}`);
  return t[1];
}

describe('nginx grammar', () => {
  const site = [
    'server {',
    '    listen 80;',
    '    root /var/www/html; # the web root',
    '    location ~ \\.php$ {',
    '        fastcgi_pass unix:/run/php/php8.2-fpm.sock;',
    '        fastcgi_param SCRIPT_FILENAME $document_root${fastcgi_script_name};',
    '        add_header X-Frame-Options "SAMEORIGIN" always;',
    '    }',
    '}',
  ].join('\n');

  it('scopes directives, comments, variables and strings', () => {
    assert.equal(scopeOf(site, 'server'), 'keyword.other.directive.nginx');
    assert.equal(scopeOf(site, 'fastcgi_pass'), 'keyword.other.directive.nginx');
    assert.equal(scopeOf(site, 'location'), 'keyword.other.directive.nginx');
    assert.equal(scopeOf(site, '~'), 'keyword.operator.nginx');
    assert.equal(scopeOf(site, '# the web root'), 'comment.line.number-sign.nginx');
    assert.equal(scopeOf(site, '$document_root'), 'variable.other.nginx');
    assert.equal(scopeOf(site, '${fastcgi_script_name}'), 'variable.other.nginx');
    assert.equal(scopeOf(site, 'SAMEORIGIN'), 'string.quoted.double.nginx');
    assert.equal(scopeOf(site, '80'), 'constant.numeric.nginx');
    assert.equal(scopeOf(site, 'unix:'), 'keyword.other.unix.nginx');
  });

  it('starts a comment only at a token start, as nginx does', () => {
    assert.notEqual(scopeOf('return 200 a#b;', 'return'), 'comment.line.number-sign.nginx');
    assert.ok(!tokens('return 200 a#b;').some(([, s]) => s.startsWith('comment')));
    assert.equal(scopeOf('#whole line', '#whole line'), 'comment.line.number-sign.nginx');
  });

  it('keeps Lua blocks raw', () => {
    const lua = 'content_by_lua_block {\n  local t = { a = 1 } -- ; }\n  ngx.say("x")\n}\nlisten 81;';
    assert.equal(scopeOf(lua, 'content_by_lua_block'), 'keyword.other.directive.nginx');
    assert.equal(scopeOf(lua, 'listen'), 'keyword.other.directive.nginx');
    assert.ok(!tokens(lua).some(([t, s]) => t.includes('local') && s === 'keyword.other.directive.nginx'));
  });
});
