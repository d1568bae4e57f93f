#!/usr/bin/env node
// The `framewise` command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare) or `npm run build`,
// which also bundles the CLI into dist/cli/ (scripts/bundle-cli.mjs: a few files to load instead of ~700). The
// bundle is used while it is at least as new as the last core compile; after a bare `tsc -b` the compiled
// modules run unbundled (slower to start, never stale).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const mtime = (url) => {
  try {
    return statSync(fileURLToPath(url)).mtimeMs;
  } catch {
    return -1;
  }
};
const bundled = new URL('../dist/cli/main.js', import.meta.url);
const compiled = new URL('../dist/core/cli/main.js', import.meta.url);
const coreStamp = new URL('../dist/.tsbuild/core.tsbuildinfo', import.meta.url);
const entry = mtime(bundled) >= 0 && mtime(bundled) >= mtime(coreStamp) ? bundled : compiled;
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('framewise is not built yet: run `npm run build` in the project folder.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
