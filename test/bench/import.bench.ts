import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { media } from '../helpers/media.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { ratioRow, time, type BenchModule } from './types.js';
import { statSync } from 'node:fs';

const execFileAsync = promisify(execFile);

/** Import throughput: probe + hash + thumbnail of a large file against `sha256sum` of the same file. */
export const importBench: BenchModule = {
  name: 'import',
  async run() {
    const file = await media.long1080(120);
    const size = statSync(file).size;
    // Warm the page cache so both sides read from memory.
    await execFileAsync('sha256sum', [file]);
    const base = await time(() => execFileAsync('sha256sum', [file]));
    const lib = await openTempCore();
    try {
      const imp = await time(() => importAndWait(lib.core, [file]));
      const job = imp.result[0];
      if (job?.state !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(job?.error)}`);
      return [
        ratioRow(
          'import',
          'probe+hash+thumbnail / sha256sum',
          imp.seconds / base.seconds,
          { op: '<=', value: 1.5 },
          `${(size / 1e6).toFixed(0)} MB file; sha256sum ${base.seconds.toFixed(2)} s, import ${imp.seconds.toFixed(2)} s`,
        ),
      ];
    } finally {
      await lib.close();
    }
  },
};
