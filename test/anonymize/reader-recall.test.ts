import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createOcrFrameReader } from '../../core/anonymize/providers/ocr-reader.js';
import type { FrameTextReader } from '../../core/anonymize/frame-reader.js';
import { findTokensInReadings, patientTokens } from '../../core/anonymize/tokens.js';
import { patientFieldsSchema } from '../../core/anonymize/types.js';
import { ffmpegPath } from '../helpers/media.js';

/**
 * The reader's recall fixes, each on one generated 1080p frame that the packed recall corpus showed it needs
 * (recall.test.ts measures the whole corpus).
 */
const DEJAVU = '/usr/share/fonts/truetype/dejavu';

async function frame(filters: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { stdout } = await promisify(execFile)(
    await ffmpegPath(),
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=0xe4a063:s=1920x1080:d=0.04,${filters}`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 1 << 24 },
  );
  return { width: 1920, height: 1080, data: new Uint8Array(stdout) };
}

const patient = patientTokens(
  patientFieldsSchema.parse({ first_name: 'Chidera', last_name: 'Okonkwo', dob: '2001-07-04', examination_date: null }),
);

async function found(reader: FrameTextReader, filters: string): Promise<string[]> {
  const lines = await reader.read(await frame(filters));
  return lines.flatMap((l) => findTokensInReadings([l.text, ...(l.alternatives ?? [])], patient).map((h) => h.field));
}

test('reader: letters on a ground they barely differ from, at the end of a line, are read with it', async () => {
  const reader = await createOcrFrameReader();
  try {
    // A pink date crossing from orange to dark purple: the detector's box ends where the orange begins, and the
    // line unpadded read ".07.2001" (recall corpus, 1080p, 360 cases 6 a frame, seed 2).
    const date = await found(
      reader,
      `drawbox=x=1203:y=0:w=717:h=1080:color=0x351d5c:t=fill,drawtext=fontfile=${DEJAVU}/DejaVuSansMono.ttf:text=04.07.2001:x=1180:y=602:fontsize=20:fontcolor=0xff8080`,
    );
    assert.deepEqual(date, ['dob']);
  } finally {
    await reader.close();
  }
});
