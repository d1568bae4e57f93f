import path from 'node:path';
import { pino, type Logger } from 'pino';
import { openRollingFile } from './rolling-file.js';

/** The core's logger (pino): levels, JSON lines, a rotating file in the library folder. */
export type Log = Logger;

/**
 * Keys whose values are never written, at any of the first three levels of a log record. Nothing should log
 * patient data in the first place (log ids, counts, codes); this is the second line of defence.
 */
const SENSITIVE = [
  'patient',
  'patientValues',
  'values',
  'value',
  'text',
  'texts',
  'tokens',
  'input',
  'output',
  'params',
  'metadata',
  'message',
  'last_name',
  'first_name',
  'dob',
  'casenumber',
  'lastName',
  'firstName',
  'caseNumber',
  'path',
  'name',
];
export const redactPaths = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Log level from $FRAMEWISE_LOG_LEVEL (default info). */
export function logLevel(): string {
  const l = process.env.FRAMEWISE_LOG_LEVEL?.toLowerCase();
  return l && LEVELS.includes(l) ? l : 'info';
}

export const LOG_FILE_BASE = 'framewise';

/**
 * Open the library's log: `<dataDir>/logs/framewise.N.log`, rotated at 5 MB, the 5 newest kept.
 * `close` flushes and closes the file.
 */
export async function openLibraryLog(dataDir: string, level = logLevel()): Promise<{ log: Log; close(): Promise<void> }> {
  const stream = await openRollingFile({ dir: path.join(dataDir, 'logs'), base: LOG_FILE_BASE, maxBytes: 5 * 1024 * 1024, keep: 5 });
  const log = pino({ level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { pid: process.pid } }, stream);
  return {
    log,
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => resolve();
        log.level = 'silent'; // late messages (a job finishing during shutdown) go nowhere instead of throwing
        try {
          stream.flush(() => {
            stream.once('close', done);
            stream.end();
          });
        } catch {
          // A stream that failed to open has nothing to flush.
          resolve();
        }
      }),
  };
}

/** A logger that writes nothing (code that runs without a library). */
// A no-op destination: pino's default would open a stream on stdout in every process that imports this module.
export const silentLog: Log = pino({ level: 'silent' }, { write: () => undefined });

/** What may be logged about an error: its code and, for programming errors, name, message and stack. */
export function errorForLog(err: unknown): Record<string, unknown> {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    // A FramewiseError: its message may name a file (a patient's name in a file name), so only the code.
    return { code: (err as { code: string }).code };
  }
  if (err instanceof Error) return { code: 'internal', errorName: err.name, errorMessage: err.message, stack: err.stack };
  return { code: 'internal' };
}
