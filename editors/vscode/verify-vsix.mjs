// Checks a packaged .vsix (a zip): the manifest and package.json are there,
// package.json's "main" and every file it contributes exist in the archive,
// no node_modules slipped in, and the bundled main loads under plain node
// (with a stub 'vscode' module) and exports activate and deactivate.
//   node verify-vsix.mjs fcgilint-0.1.0.vsix
// Reads the zip itself (central directory + zlib), so it needs no unzip.
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const file = process.argv[2];
if (!file) {
  console.error('usage: node verify-vsix.mjs FILE.vsix');
  process.exit(2);
}
const buf = readFileSync(file);

function readZip(b) {
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65557); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const method = b.readUInt16LE(p + 10);
    const csize = b.readUInt32LE(p + 20);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    const name = b.toString('utf8', p + 46, p + 46 + nameLen);
    entries.set(name, { method, csize, local });
    p += 46 + nameLen + extraLen + commentLen;
  }
  const read = (name) => {
    const e = entries.get(name);
    if (!e) throw new Error(`${name} is not in the archive`);
    if (b.readUInt32LE(e.local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = e.local + 30 + b.readUInt16LE(e.local + 26) + b.readUInt16LE(e.local + 28);
    const data = b.subarray(start, start + e.csize);
    if (e.method === 0) return Buffer.from(data);
    if (e.method === 8) return inflateRawSync(data);
    throw new Error(`${name}: unsupported compression method ${e.method}`);
  };
  return { names: [...entries.keys()], read };
}

const problems = [];
const zip = readZip(buf);
const names = new Set(zip.names);
for (const required of ['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json']) {
  if (!names.has(required)) problems.push(`missing ${required}`);
}
for (const n of names) {
  if (n.includes('node_modules/')) problems.push(`node_modules in the vsix: ${n}`);
  if (n.startsWith('extension/src/') || n.endsWith('.ts')) problems.push(`source in the vsix: ${n}`);
}

const pkg = JSON.parse(zip.read('extension/package.json').toString('utf8'));
const inExt = (rel) => posix.join('extension', posix.normalize(rel));
const mainEntry = (() => {
  const m = inExt(pkg.main ?? '');
  return names.has(m) ? m : names.has(`${m}.js`) ? `${m}.js` : undefined;
})();
if (!pkg.main) problems.push('package.json has no "main"');
else if (!mainEntry) problems.push(`package.json "main" (${pkg.main}) is not in the vsix`);

const c = pkg.contributes ?? {};
for (const g of c.grammars ?? []) {
  if (!names.has(inExt(g.path))) problems.push(`grammar ${g.path} is not in the vsix`);
}
for (const l of c.languages ?? []) {
  if (l.configuration && !names.has(inExt(l.configuration))) problems.push(`language configuration ${l.configuration} is not in the vsix`);
}
if (pkg.icon && !names.has(inExt(pkg.icon))) problems.push(`icon ${pkg.icon} is not in the vsix`);
for (const f of ['extension/readme.md', 'extension/LICENSE.txt']) {
  if (![...names].some((n) => n.toLowerCase() === f.toLowerCase())) problems.push(`missing ${f}`);
}
if (!pkg.engines?.vscode) problems.push('package.json has no engines.vscode');

// Load the bundled main with a stub 'vscode' and check its exports.
if (mainEntry) {
  const dir = mkdtempSync(join(tmpdir(), 'fcgilint-vsix-'));
  try {
    const mainFile = join(dir, 'extension.js');
    writeFileSync(mainFile, zip.read(mainEntry));
    const stub = () => new Proxy(function () {}, {
      get: (_t, prop) => (prop === Symbol.toPrimitive ? () => '' : stub()),
      construct: () => stub(),
      apply: () => stub(),
    });
    const require = createRequire(mainFile);
    const Module = require('node:module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      return request === 'vscode' ? stub() : load.call(this, request, ...rest);
    };
    try {
      const ext = require(mainFile);
      for (const fn of ['activate', 'deactivate']) {
        if (typeof ext[fn] !== 'function') problems.push(`${mainEntry} does not export ${fn}()`);
      }
    } catch (err) {
      problems.push(`${mainEntry} does not load: ${err.message}`);
    } finally {
      Module._load = load;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`verify-vsix: ${p}`);
  process.exit(1);
}
console.log(`verify-vsix: ${file}: ${names.size} files, ${buf.length} bytes, main ${mainEntry}: ok`);
