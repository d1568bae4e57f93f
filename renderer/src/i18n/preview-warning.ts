import type { PreviewWarning } from '../../../core/api/types.js';
import { i18n } from './index.js';

/**
 * The sentence to show when previews could not be made again with the current masks (a command's `previewError`,
 * a job's `previewWarnings`), in the user's language: the warning's code picks the sentence, its `withdrawn`
 * kinds say which previews are no longer shown. A code this renderer does not know keeps the core's message.
 */
export function previewWarningText(w: Pick<PreviewWarning, 'code' | 'withdrawn'> & { message?: string }): string {
  if (w.code !== 'preview_failed') return w.message ?? String(w.code);
  const sentence = i18n.t(`common:previewWarnings.${w.code}`);
  if (!w.withdrawn.length) return sentence;
  const what = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(
    w.withdrawn.map((k) => i18n.t(`common:previewKinds.${k}`)),
  );
  return `${sentence} ${i18n.t('common:previewWarnings.withdrawn', { what })}`;
}
