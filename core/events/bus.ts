import type { CoreEvent } from '../events/types.js';

export type Listener = (event: CoreEvent) => void;

/**
 * The core's one event stream. Job progress is throttled per job (at most 10 events a second, the last
 * value always delivered); every other event is delivered at once.
 */
export class EventBus {
  private listeners = new Set<Listener>();
  private lastProgressAt = new Map<number, number>();
  private pending = new Map<number, { event: CoreEvent; timer: NodeJS.Timeout }>();
  private publisher: Listener | null = null;
  static readonly PROGRESS_INTERVAL_MS = 100;

  /** Events that happen in this process are also handed to `publish` (the change feed shares them with others). */
  publishTo(publish: Listener | null): void {
    this.publisher = publish;
  }

  /** An event that happened in another process: delivered here like a local one, never published again. */
  emitRemote(event: CoreEvent): void {
    this.route(event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CoreEvent): void {
    if (this.publisher) {
      try {
        this.publisher(event);
      } catch {
        /* publishing must not break the core */
      }
    }
    this.route(event);
  }

  private route(event: CoreEvent): void {
    if (event.type === 'job.progress') return this.emitProgress(event.jobId, event);
    if (event.type === 'job.state') this.flushProgress(event.job.id);
    this.deliver(event);
  }

  private emitProgress(jobId: number, event: CoreEvent): void {
    const now = Date.now();
    const last = this.lastProgressAt.get(jobId) ?? 0;
    const pending = this.pending.get(jobId);
    if (now - last >= EventBus.PROGRESS_INTERVAL_MS && !pending) {
      this.lastProgressAt.set(jobId, now);
      this.deliver(event);
      return;
    }
    if (pending) {
      pending.event = event;
      return;
    }
    const timer = setTimeout(
      () => {
        const p = this.pending.get(jobId);
        this.pending.delete(jobId);
        if (!p) return;
        this.lastProgressAt.set(jobId, Date.now());
        this.deliver(p.event);
      },
      EventBus.PROGRESS_INTERVAL_MS - (now - last),
    );
    timer.unref?.();
    this.pending.set(jobId, { event, timer });
  }

  /** Deliver a held-back progress event now (before the job's state change), so order is kept. */
  private flushProgress(jobId: number): void {
    const p = this.pending.get(jobId);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(jobId);
      this.deliver(p.event);
    }
    this.lastProgressAt.delete(jobId);
  }

  private deliver(event: CoreEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        /* a broken listener must not break the core */
      }
    }
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.listeners.clear();
    this.publisher = null;
  }
}
