#!/usr/bin/env node
// A stand-in for `fcgilint lsp` in the Neovim client tests: answers
// initialize and shutdown, and on didOpen/didChange publishes one diagnostic
// whose message tells what it was started with and what it was sent:
//   fake-server args=[lsp] languageId=nginx version=0
// Exits 0 on `exit` after `shutdown`, 1 otherwise (as the real server does).
'use strict';

let buf = Buffer.alloc(0);
let shutdown = false;

function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

function publish(uri, languageId, version) {
  send({
    method: 'textDocument/publishDiagnostics',
    params: {
      uri,
      version,
      diagnostics: [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
          severity: 1,
          code: 'fake-rule',
          source: 'fcgilint',
          message: `fake-server args=[${process.argv.slice(2).join(' ')}] languageId=${languageId} version=${version}`,
        },
      ],
    },
  });
}

const languages = new Map();

function handle(msg) {
  switch (msg.method) {
    case 'initialize':
      send({ id: msg.id, result: { capabilities: { textDocumentSync: 1 }, serverInfo: { name: 'fake-fcgilint' } } });
      break;
    case 'shutdown':
      shutdown = true;
      send({ id: msg.id, result: null });
      break;
    case 'exit':
      process.exit(shutdown ? 0 : 1);
      break;
    case 'textDocument/didOpen': {
      const d = msg.params.textDocument;
      languages.set(d.uri, d.languageId);
      publish(d.uri, d.languageId, d.version);
      break;
    }
    case 'textDocument/didChange': {
      const d = msg.params.textDocument;
      publish(d.uri, languages.get(d.uri), d.version);
      break;
    }
    default:
      if (msg.id !== undefined && msg.method !== undefined) {
        send({ id: msg.id, error: { code: -32601, message: `method not found: ${msg.method}` } });
      }
  }
}

process.stdin.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const m = /Content-Length: *(\d+)/i.exec(buf.subarray(0, end).toString('ascii'));
    if (!m) throw new Error('no Content-Length');
    const len = Number(m[1]);
    if (buf.length < end + 4 + len) return;
    const body = buf.subarray(end + 4, end + 4 + len).toString('utf8');
    buf = buf.subarray(end + 4 + len);
    handle(JSON.parse(body));
  }
});
process.stdin.on('end', () => process.exit(shutdown ? 0 : 1));
