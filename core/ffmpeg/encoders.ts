import type { Ffmpeg } from './index.js';

const cache = new Map<string, Promise<Set<string>>>();

/** The encoders the ffmpeg in use was built with (`ffmpeg -encoders`), cached per binary. */
export function availableEncoders(ffmpeg: Ffmpeg): Promise<Set<string>> {
  const key = ffmpeg.tools.ffmpeg.path;
  let found = cache.get(key);
  if (!found) {
    found = (async () => {
      const p = ffmpeg.start(['-encoders'], { pipeStdout: true });
      let out = '';
      p.stdout?.setEncoding('utf8');
      p.stdout?.on('data', (d: string) => (out += d));
      await p.done;
      const names = new Set<string>();
      for (const line of out.split('\n')) {
        const m = /^\s*[VAS][F.][S.][X.][B.][D.]\s+(\S+)/.exec(line);
        if (m) names.add(m[1]!);
      }
      return names;
    })();
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}
