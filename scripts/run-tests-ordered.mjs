// Child of scripts/run-tests.mjs: runs the given test files with node:test's run() IN THE ORDER GIVEN (the
// `node --test` command line sorts its files by name, which would undo the runner's slowest-first order), and
// writes the spec report to stdout and the TAP report (with per-file durations) to the file named first.
// Usage: node scripts/run-tests-ordered.mjs <tap-file> <concurrency> <file>...
import { createWriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import tapWithDurations from './test-durations-reporter.mjs';

const [tapFile, concurrency, ...files] = process.argv.slice(2);
// A file that does not end within this time fails and its process is killed, instead of holding the whole run
// until CI's own limit with nothing said: a hang names its file. The slowest file takes ≈ 150 s on a loaded
// 2-core machine, and no single test allows itself more than 900 s; FRAMEWISE_TEST_FILE_TIMEOUT_S overrides it.
const fileTimeoutMs = 1000 * (Number(process.env.FRAMEWISE_TEST_FILE_TIMEOUT_S) || 900);
const events = run({ files, concurrency: Number(concurrency) || 1, timeout: fileTimeoutMs });
const toSpec = new PassThrough({ objectMode: true });
const toTap = new PassThrough({ objectMode: true });
let failed = false;
events.on('data', (event) => {
  if (event.type === 'test:fail') failed = true;
  toSpec.write(event);
  toTap.write(event);
});
events.on('end', () => {
  toSpec.end();
  toTap.end();
});
const tapOut = createWriteStream(tapFile);
await Promise.all([
  new Promise((resolve) => toSpec.compose(new spec()).pipe(process.stdout, { end: false }).on('unpipe', resolve).on('error', resolve)),
  new Promise((resolve) => toTap.compose(tapWithDurations).pipe(tapOut).on('finish', resolve)),
]);
process.exitCode = failed ? 1 : 0;
