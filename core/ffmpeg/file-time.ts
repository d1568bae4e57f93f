/**
 * Clip times count from a video's first picture; ffmpeg's input seeks and concat points count from the file's
 * start. The two differ by the probe's `videoStart` (a Matroska file whose picture starts 21 ms in after primed
 * AAC; an MP4 without an edit list, its picture delayed by the B-frames). Sought without it, copies started a
 * GOP early, re-encodes showed the previous frame, and keyframe images and sprite sheets showed earlier frames
 * once the gap passed ¾ of a frame.
 */
export function videoStartOf(row: { metadata_json: string }): number {
  return (JSON.parse(row.metadata_json) as { videoStart?: number }).videoStart ?? 0;
}

/** A time from the first picture as an input seek on the file (0 stays 0: the file's start). */
export function onFileTime(videoStart: number): (t: number) => number {
  return (t) => (t > 0 ? t + videoStart : t);
}
