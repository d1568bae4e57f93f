import { FramewiseError } from '../util/errors.js';
import type { AnyJobKind } from './kind.js';

export class JobRegistry {
  private kinds = new Map<string, AnyJobKind>();

  register(kind: AnyJobKind): void {
    if (this.kinds.has(kind.kind)) throw new Error(`Job kind ${kind.kind} registered twice`);
    this.kinds.set(kind.kind, kind);
  }

  get(kind: string): AnyJobKind {
    const k = this.kinds.get(kind);
    if (!k) throw new FramewiseError('usage', `Unknown job kind "${kind}". Known: ${[...this.kinds.keys()].join(', ')}`);
    return k;
  }

  has(kind: string): boolean {
    return this.kinds.has(kind);
  }

  /** Kinds marked `background` (claimed after every other queued job). */
  backgroundNames(): string[] {
    return [...this.kinds.values()].filter((k) => k.background).map((k) => k.kind);
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }
}
