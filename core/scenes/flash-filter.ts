/**
 * Minimum scene length, with PySceneDetect's default "merge" semantics: a cut is emitted at once when the last
 * frame above the threshold is at least `minSeconds` ago; cuts closer than that start a merge that ends (and
 * emits one cut at the last frame above the threshold) once the frames stay below it for `minSeconds`.
 * Merging is enabled only after the first cut. Times are presentation timestamps, so VFR files work.
 */
export interface FrameRef {
  /** Decode index (0-based). */
  index: number;
  /** Presentation time in seconds from the first frame. */
  time: number;
}

export class FlashFilter {
  private lastAbove: FrameRef | null = null;
  private mergeEnabled = false;
  private merging = false;
  private mergeStart: FrameRef | null = null;

  constructor(private readonly minSeconds: number) {}

  filter(f: FrameRef, above: boolean): FrameRef[] {
    if (this.minSeconds <= 0) return above ? [f] : [];
    if (this.lastAbove === null) this.lastAbove = f;
    const minMet = f.time - this.lastAbove.time >= this.minSeconds - 1e-9;
    if (above) this.lastAbove = f;
    if (this.merging) {
      if (minMet && !above && this.lastAbove.time - this.mergeStart!.time >= this.minSeconds - 1e-9) {
        this.merging = false;
        return [this.lastAbove];
      }
      return [];
    }
    if (!above) return [];
    if (minMet) {
      this.mergeEnabled = true;
      return [f];
    }
    if (this.mergeEnabled) {
      this.merging = true;
      this.mergeStart = f;
    }
    return [];
  }
}

/** The simpler rule: a cut needs `minSeconds` since the previous cut (PySceneDetect's "suppress" mode). */
export class SuppressFilter {
  private last: FrameRef | null = null;
  constructor(private readonly minSeconds: number) {}
  filter(f: FrameRef, above: boolean): FrameRef[] {
    if (this.last === null) this.last = f;
    if (!above || f.time - this.last.time < this.minSeconds - 1e-9) return [];
    this.last = f;
    return [f];
  }
}
