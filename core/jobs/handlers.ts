import type { PartialHandlers } from '../handlers.js';
import { listJobEvents } from './store.js';

export const jobHandlers: PartialHandlers<'jobs.list' | 'jobs.get' | 'jobs.events' | 'jobs.enqueue' | 'jobs.cancel' | 'jobs.retry'> = {
  async 'jobs.list'(core, input) {
    return core.services.jobs.list(input);
  },
  async 'jobs.get'(core, input) {
    return core.services.jobs.get(input.id);
  },
  async 'jobs.events'(core, input) {
    await core.services.jobs.get(input.id);
    return listJobEvents(core.services.db.reader, input.id);
  },
  async 'jobs.enqueue'(core, input) {
    return core.services.jobs.enqueue(input.kind, input.input);
  },
  async 'jobs.cancel'(core, input) {
    return core.services.jobs.cancel(input.id);
  },
  async 'jobs.retry'(core, input) {
    return core.services.jobs.retry(input.id);
  },
};
