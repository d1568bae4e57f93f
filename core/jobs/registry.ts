import { FramewiseError } from '../util/errors.js';
import type { JobHost } from './host.js';
import type { AnyJobKindOf } from './kind-of.js';

export class JobRegistry<S extends JobHost = JobHost> {
  private kinds = new Map<string, AnyJobKindOf<S>>();

  register(kind: AnyJobKindOf<S>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`Job kind ${kind.kind} registered twice`);
    this.kinds.set(kind.kind, kind);
  }

  get(kind: string): AnyJobKindOf<S> {
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
