import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOcrFrameReader } from '../../core/anonymize/providers/ocr-reader.js';
import { masksFromSightings } from '../../core/anonymize/timed-masks.js';
import { findTokensInReadings, patientTokens } from '../../core/anonymize/tokens.js';
import { patientFieldsSchema } from '../../core/anonymize/types.js';
import { orangeFrame1080 } from '../helpers/media.js';

/**
 * The reader's recall fixes, each on one generated 1080p frame that the packed recall corpus showed it needs
 * (recall.test.ts measures the whole corpus).
 */
const DEJAVU = '/usr/share/fonts/truetype/dejavu';

const frame = orangeFrame1080;

const patient = patientTokens(
  patientFieldsSchema.parse({ first_name: 'Chidera', last_name: 'Okonkwo', dob: '2001-07-04', examination_date: null }),
);

/** The bounding box of the pixels where `a` and `b` differ (by more than 12 in a channel: pink on orange differs by ≈ 30). */
function inkBox(a: { width: number; data: Uint8Array }, b: { data: Uint8Array }): { x0: number; y0: number; x1: number; y1: number } {
  const r = { x0: Infinity, y0: Infinity, x1: -1, y1: -1 };
  for (let i = 0; i < a.data.length; i += 3) {
    const d0 = Math.abs(a.data[i]! - b.data[i]!);
    const d1 = Math.abs(a.data[i + 1]! - b.data[i + 1]!);
    const d2 = Math.abs(a.data[i + 2]! - b.data[i + 2]!);
    if (d0 <= 12 && d1 <= 12 && d2 <= 12) continue;
    const x = (i / 3) % a.width;
    const y = Math.floor(i / 3 / a.width);
    r.x0 = Math.min(r.x0, x);
    r.y0 = Math.min(r.y0, y);
    r.x1 = Math.max(r.x1, x + 1);
    r.y1 = Math.max(r.y1, y + 1);
  }
  return r;
}

test('reader: letters on a ground they barely differ from, at the end of a line, are read with it — and masked with it', async () => {
  const reader = await createOcrFrameReader();
  try {
    // A pink date crossing from orange to dark purple: the detector's box ends where the orange begins, and the
    // line unpadded read ".07.2001" (recall corpus, 1080p, 360 cases 6 a frame, seed 2).
    const ground = `drawbox=x=1203:y=0:w=717:h=1080:color=0x351d5c:t=fill`;
    const [bare, shown] = await Promise.all([
      frame(ground),
      frame(`${ground},drawtext=fontfile=${DEJAVU}/DejaVuSansMono.ttf:text=04.07.2001:x=1180:y=602:fontsize=20:fontcolor=0xff8080`),
    ]);
    const lines = await reader.read(shown);
    const hits = lines.filter((l) => findTokensInReadings([l.text, ...(l.alternatives ?? [])], patient).length);
    assert.deepEqual(
      hits.flatMap((l) => findTokensInReadings([l.text, ...(l.alternatives ?? [])], patient).map((h) => h.field)),
      ['dob'],
    );
    // The "04" on orange was read only by the wider look; a time-ranged mask built from the line covers it too
    // (the detector's box, from x ≈ 1203, left it visible).
    const ink = inkBox(shown, bare);
    const [mask] = masksFromSightings([{ frame: 10, box: hits[0]!.box }], { step: 5, frameCount: 100, width: 1920, height: 1080 });
    const m = mask!.rect;
    assert.ok(
      m.x <= ink.x0 && m.y <= ink.y0 && m.x + m.width >= ink.x1 && m.y + m.height >= ink.y1,
      `mask ${JSON.stringify(m)} (line ${JSON.stringify(hits[0]!.box)}) leaves some of the letters ${JSON.stringify(ink)} visible`,
    );
  } finally {
    await reader.close();
  }
});
