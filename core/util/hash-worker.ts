/** Worker thread for `sha256File`: hashes `workerData.file` off the core's main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { sha256FileHere, type HashWorkerMessage } from './fs.js';

const port = parentPort!;
const controller = new AbortController();
port.on('message', (m: unknown) => {
  if (m === 'abort') controller.abort();
});
const post = (m: HashWorkerMessage) => port.postMessage(m);
let lastReport = 0;
try {
  const sha256 = await sha256FileHere((workerData as { file: string }).file, {
    signal: controller.signal,
    onProgress: (bytes) => {
      // A message per 4 MiB read is plenty for a progress bar; fewer when reads are fast.
      const now = Date.now();
      if (now - lastReport >= 50) {
        lastReport = now;
        post({ type: 'progress', bytes });
      }
    },
  });
  post({ type: 'done', sha256 });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  post({ type: 'error', message: e.message, ...(e.code ? { code: e.code } : {}), cancelled: controller.signal.aborted });
}
port.close();
