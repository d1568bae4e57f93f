import { createRequire } from 'node:module';
import type chardetModule from 'chardet';
import type iconvModule from 'iconv-lite';
import { FramewiseError } from '../util/errors.js';

// Loaded on first use: every `framewise` process imports this module, few read a subtitle file that is not UTF.
const lazyRequire = createRequire(import.meta.url);
const chardet = () => lazyRequire('chardet') as typeof chardetModule;
const iconv = () => lazyRequire('iconv-lite') as typeof iconvModule;

/**
 * Subtitle files come in many character sets. Byte order marks decide first (UTF-8, UTF-16 LE/BE); then valid
 * UTF-8 is taken as UTF-8; UTF-16 without a BOM is recognised by its zero bytes; anything else is detected by
 * chardet and decoded with iconv-lite (ISO-8859-1 is read as its superset Windows-1252, so curly quotes, dashes
 * and € survive too; Node's own TextDecoder treats windows-1252 as Latin-1).
 */
export function decodeSubtitleBytes(bytes: Uint8Array, file: string): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: decode('utf-8', bytes.subarray(3), file), encoding: 'utf-8-bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: decode('utf-16le', bytes.subarray(2), file), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: decode('utf-16be', bytes.subarray(2), file), encoding: 'utf-16be' };
  const bomless16 = utf16WithoutBom(bytes);
  if (bomless16) return { text: decode(bomless16, bytes, file), encoding: bomless16 };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    /* not UTF-8: detect below */
  }
  // The first 64 KB tell the character set; detecting over a whole film's subtitles would take most of a second.
  const guess = (chardet().detect(bytes.subarray(0, 65_536)) ?? 'windows-1252').toLowerCase();
  const encoding = guess === 'iso-8859-1' || guess === 'ascii' || guess.startsWith('utf') ? 'windows-1252' : guess;
  return { text: decode(encoding, bytes, file), encoding };
}

/** Text without a BOM where every other byte is zero is UTF-16 (subtitles are mostly ASCII-range). */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 4000);
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

function decode(encoding: string, bytes: Uint8Array, file: string): string {
  if (!iconv().encodingExists(encoding)) throw new FramewiseError('usage', `${file}: its character set (${encoding}) cannot be read`);
  return iconv().decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}
