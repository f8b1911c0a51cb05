// Bundles the extension (src/extension.ts and vscode-languageclient) into
// out/extension.js, so that the .vsix needs no node_modules.
//   node esbuild.mjs           production build
//   node esbuild.mjs --watch   rebuild on change
//   node esbuild.mjs --tests   also build test/*.test.ts into out/test/
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: false,
  logLevel: 'info',
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'out/extension.js',
    external: ['vscode'],
    minify: !watch,
  },
];

if (tests) {
  builds.push({
    ...common,
    entryPoints: readdirSync('test')
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `test/${f}`),
    outdir: 'out/test',
    // The tests run under plain node: importing 'vscode' must fail loudly.
    external: ['vscode'],
  });
}

if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
