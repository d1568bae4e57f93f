import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Linux refuses to start a process with one argument longer than 128 KiB (MAX_ARG_STRLEN: spawn fails with
 * E2BIG). Filter graphs grow with the edit (one drawbox per time-ranged mask, one trim per kept range), so a
 * long video with many masks would fail to render its previews or its anonymized output. A graph above this
 * size is handed to ffmpeg in a file instead (`-filter_script`, `-filter_complex_script`: both ffmpeg 4.0 and
 * 5.1 read them).
 */
const INLINE_LIMIT = 64 * 1024;

const scriptFlag: Record<string, string> = {
  '-vf': '-filter_script:v',
  '-filter:v': '-filter_script:v',
  '-af': '-filter_script:a',
  '-filter:a': '-filter_script:a',
  '-filter_complex': '-filter_complex_script',
  '-lavfi': '-filter_complex_script',
};

/**
 * `args` with every over-long filter graph moved into a file of a private temporary folder (0700; the graph
 * holds rectangles and frame numbers, no text). `cleanup` removes the folder; call it when the process ended.
 */
export function longFiltersInFiles(args: string[]): { args: string[]; cleanup: () => void } {
  let dir: string | null = null;
  const out = args.slice();
  for (let i = 0; i < out.length - 1; i++) {
    const flag = scriptFlag[out[i]!];
    const graph = out[i + 1]!;
    if (!flag || graph.length <= INLINE_LIMIT) continue;
    dir ??= mkdtempSync(path.join(os.tmpdir(), 'framewise-graph-'));
    const file = path.join(dir, `graph-${i}.txt`);
    writeFileSync(file, graph, { mode: 0o600 });
    out[i] = flag;
    out[i + 1] = file;
  }
  const made = dir;
  return { args: out, cleanup: () => made && rmSync(made, { recursive: true, force: true }) };
}
