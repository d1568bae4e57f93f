/**
 * Where capabilities meet. Each capability stays free of imports from the others; this module plugs them
 * together once, when the core is loaded.
 */
import { getEndoscopeRegion } from './ocr/index.js';
import { registerRoiResolver } from './predict/integration.js';
import { registerCleanup } from './jobs/reaper.js';
import { reapAbandonedExports } from './anonymize/job.js';

let wired = false;

export function wireCapabilities(): void {
  if (wired) return;
  wired = true;
  // A crashed export's unverified partial output is removed at the next start of any Framewise process.
  registerCleanup('anonymize partial outputs', reapAbandonedExports);
  // Prediction models with `crop: "roi"` use the endoscope region found by OCR (display pixels).
  registerRoiResolver(async (services, videoId) => {
    const r = await getEndoscopeRegion(services.db.reader, videoId);
    return r ? { x: r.x, y: r.y, width: r.width, height: r.height, frameWidth: r.frameWidth, frameHeight: r.frameHeight } : null;
  });
}
