import { i18n } from '../../i18n/index.js';

/** A job kind in words ("Prediction"), never the internal kind name when a translation exists. */
export function jobKindLabel(kind: string): string {
  const key = `jobs:kinds.${kind}`;
  return i18n.exists(key) ? i18n.t(key as 'jobs:kinds.import') : kind;
}

/** A job's stage in words ("Writing the video"), or nothing for an unknown stage word. */
export function jobStageLabel(stage: string | null): string {
  if (!stage) return '';
  const key = `jobs:stages.${stage}`;
  return i18n.exists(key) ? i18n.t(key as 'jobs:stages.done') : '';
}

/** "12 s", "3 min 5 s", "1 h 2 min" (the units are the same in English and German). */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const n = (v: number) => new Intl.NumberFormat(i18n.language).format(v);
  if (s < 60) return `${n(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${n(m)} min ${n(s % 60)} s`;
  return `${n(Math.floor(m / 60))} h ${n(m % 60)} min`;
}
