/** The Export dialog's text (merged into renderer/src/strings.ts as strings.anonymize). */
export const anonymizeStrings = {
  open: 'Export anonymized…',
  title: 'Export an anonymized copy',
  close: 'Close',
  planTitle: 'Plan',
  masks: (n: number, region: boolean) =>
    `${region ? 'Everything outside the endoscope image is black' : 'No endoscope region known'}; ${n} text box${n === 1 ? '' : 'es'} masked`,
  removed: (n: number, seconds: number) =>
    n ? `${n} segment${n === 1 ? '' : 's'} removed (${seconds.toFixed(1)} s)` : 'No segment removed',
  blacked: (n: number) => `${n} segment${n === 1 ? '' : 's'} blacked out`,
  duration: (s: number) => `Output duration ${s.toFixed(2)} s`,
  outside: 'Outside segments',
  cut: 'Cut out',
  black: 'Black out',
  keepAudio: 'Keep audio (may contain spoken names)',
  crop: 'Crop to the endoscope image',
  blur: 'Blur text instead of filling it',
  allowUnreviewed: 'Also remove unreviewed segments',
  preset: 'Quality',
  folder: 'Output folder',
  folderHint: 'The file is named after the pseudonym or a random id, never after the original.',
  gateTitle: 'The clinical gate blocks this export',
  start: 'Anonymize and verify',
  rendering: 'Rendering',
  scanning: 'Scanning the image for text',
  verifying: 'Verifying',
  verified: 'Verified',
  rejected: 'Rejected — no file was written',
  failed: 'Failed — no file was written',
  findings: 'What verification found',
  output: 'Output',
  sha: 'SHA-256',
  frames: (n: number, s: number) => `${n} frames read by OCR in ${s.toFixed(1)} s`,
  timed: (n: number) =>
    n
      ? `${n} time-ranged mask${n === 1 ? '' : 's'} over text found inside the image (edit them on the timeline's text-mask lane)`
      : 'No time-ranged masks yet (the export first scans the image for text that appears mid-video)',
  timedTitle: (a: number, b: number) => `Masked during frames ${a}–${b}`,
  otherText: 'Other text seen inside the image (not matching the patient) — please look',
  seenAt: (frame: number, time: number, b: { x: number; y: number; width: number; height: number }) =>
    `frame ${frame} (${time.toFixed(2)} s) at x=${b.x}, y=${b.y}, ${b.width}×${b.height}`,
};

/** The timeline lane of time-ranged masks (MaskLane.tsx). */
export const maskLaneStrings = {
  title: 'Text masks (time ranges)',
  notScanned: 'The image has not been scanned for text yet; the export scans it first.',
  scanned: (n: number) => `${n} mask${n === 1 ? '' : 's'} — text found inside the image, or added by hand`,
  add: 'Add mask at playhead',
  moveHere: 'Move to playhead',
  remove: 'Remove mask',
  from: 'from frame',
  to: 'to frame (excl.)',
  bar: (a: number, b: number, source: string) => `frames ${a}–${b} (${source})`,
};
