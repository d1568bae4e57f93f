// node:test reporter used by scripts/run-tests.mjs: node's TAP reporter, plus the top-level tests' durations
// summed per test file, written when the run ends to $FRAMEWISE_TEST_DURATIONS_FILE as one JSON object
// { "test/<dir>/<file>.test.ts": seconds } (the runner starts the slowest files first next time). One reporter
// for both keeps node's stream below its listener limit.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tap } from 'node:test/reporters';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export default async function* tapWithDurations(source) {
  const perFile = {};
  async function* timed() {
    for await (const event of source) {
      const { file, nesting, details } = event.data ?? {};
      if ((event.type === 'test:pass' || event.type === 'test:fail') && file && nesting === 0) {
        const key = path
          .relative(root, file)
          .replace(/^dist\//, '')
          .replace(/\.js$/, '.ts');
        perFile[key] = (perFile[key] ?? 0) + (details?.duration_ms ?? 0) / 1000;
      }
      yield event;
    }
  }
  yield* tap(timed());
  for (const k of Object.keys(perFile)) perFile[k] = Math.round(perFile[k] * 10) / 10;
  if (process.env.FRAMEWISE_TEST_DURATIONS_FILE) writeFileSync(process.env.FRAMEWISE_TEST_DURATIONS_FILE, `${JSON.stringify(perFile)}\n`);
}
