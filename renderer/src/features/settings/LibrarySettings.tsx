import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryInfo } from '../../../../core/api/commands.js';
import { errorText } from '../../i18n/errors.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';

type SettingsMap = Record<string, unknown>;

/** One setting saved on change (the core validates it); says "Saved" or why not. */
function useSetting(): [SettingsMap | null, (key: string, value: unknown) => Promise<boolean>] {
  const { t } = useTranslation('settings');
  const [settings, setSettings] = useState<SettingsMap | null>(null);
  useEffect(() => {
    let live = true;
    client()
      .call('settings.get', {})
      .then((s) => live && setSettings(s))
      .catch((err) => notify(errorText(err)));
    return () => {
      live = false;
    };
  }, []);
  const save = useCallback(
    async (key: string, value: unknown) => {
      try {
        setSettings(await client().call('settings.set', { key, value }));
        return true;
      } catch (err) {
        notify(t('saveFailed', { reason: errorText(err) }));
        return false;
      }
    },
    [t],
  );
  return [settings, save];
}

/** A text field saved when it loses focus or on Enter. */
function TextSetting({ id, value, onSave, placeholder }: { id: string; value: string; onSave: (v: string) => void; placeholder?: string }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  return (
    <input
      id={id}
      className="input"
      value={v}
      placeholder={placeholder}
      spellCheck={false}
      onChange={(e) => setV(e.target.value)}
      onBlur={() => v !== value && onSave(v)}
      onKeyDown={(e) => e.key === 'Enter' && v !== value && onSave(v)}
      data-testid={id}
    />
  );
}

/** The library's own settings (stored in the library, shared by every window and the CLI) and its tools. */
export function LibrarySettings() {
  const { t } = useTranslation('settings');
  const [settings, save] = useSetting();
  const [info, setInfo] = useState<LibraryInfo | null>(null);
  const [samples, setSamples] = useState('');
  useEffect(() => {
    void client()
      .call('library.info', {})
      .then(setInfo)
      .catch(() => undefined);
  }, []);
  // Follow the stored value only when it changes: another setting's save answers with every setting, and must not
  // overwrite what the user is typing here.
  const storedSamples = settings ? String(settings.ocrSamples ?? '') : null;
  useEffect(() => {
    if (storedSamples !== null) setSamples(storedSamples);
  }, [storedSamples]);
  if (!settings) return null;
  const samplesValid = /^\d+$/.test(samples) && Number(samples) >= 1 && Number(samples) <= 200;
  return (
    <>
      <section className="settings-section" aria-labelledby="settings-library">
        <h2 id="settings-library">{t('library')}</h2>
        <div className="settings-row">
          <span>{t('libraryFolder')}</span>
          <code className="settings-path" data-testid="settings-data-dir">
            {info?.dataDir ?? '…'}
          </code>
          <small className="settings-hint">{t('libraryFolderHint')}</small>
        </div>
        <label className="settings-row">
          <span>{t('copyIntoLibrary')}</span>
          <input
            type="checkbox"
            checked={settings.copyIntoLibrary === true}
            onChange={(e) => void save('copyIntoLibrary', e.target.checked)}
            data-testid="settings-copy"
          />
          <small className="settings-hint">{t('copyIntoLibraryHint')}</small>
        </label>
        <label className="settings-row">
          <span>{t('clinicalGate')}</span>
          <select
            value={String(settings.anonymizeClinicalGate)}
            onChange={(e) => void save('anonymizeClinicalGate', e.target.value)}
            data-testid="settings-gate"
          >
            {(['auto', 'on', 'off'] as const).map((g) => (
              <option key={g} value={g}>
                {t(`clinicalGates.${g}`)}
              </option>
            ))}
          </select>
          <small className="settings-hint">{t('clinicalGateHint')}</small>
        </label>
        <label className="settings-row">
          <span>{t('ocrSamples')}</span>
          <input
            className="input"
            inputMode="numeric"
            value={samples}
            aria-invalid={!samplesValid}
            onChange={(e) => setSamples(e.target.value.replace(/[^\d]/g, ''))}
            onBlur={() => samplesValid && Number(samples) !== settings.ocrSamples && void save('ocrSamples', Number(samples))}
            data-testid="settings-ocr-samples"
          />
          <small className={samplesValid ? 'settings-hint' : 'settings-hint error-text'}>
            {samplesValid ? t('ocrSamplesHint') : t('invalidNumber', { min: 1, max: 200 })}
          </small>
        </label>
        <label className="settings-row" htmlFor="settings-reviewer">
          <span>{t('reviewerName')}</span>
          <TextSetting
            id="settings-reviewer"
            value={String(settings.reviewerName ?? '')}
            onSave={(v) => v.trim() && void save('reviewerName', v.trim())}
          />
        </label>
        <label className="settings-row" htmlFor="settings-export-folder">
          <span>{t('exportFolder')}</span>
          <TextSetting
            id="settings-export-folder"
            value={typeof settings.exportDefaultFolder === 'string' ? settings.exportDefaultFolder : ''}
            onSave={(v) => void save('exportDefaultFolder', v.trim() || null)}
          />
          <small className="settings-hint">{t('exportFolderHint')}</small>
        </label>
        <label className="settings-row" htmlFor="settings-ffmpeg-path">
          <span>{t('ffmpegOverride')}</span>
          <TextSetting
            id="settings-ffmpeg-path"
            value={typeof settings.ffmpegPath === 'string' ? settings.ffmpegPath : ''}
            placeholder="/usr/bin/ffmpeg"
            onSave={(v) => void save('ffmpegPath', v.trim() || null)}
          />
          <small className="settings-hint">{t('ffmpegOverrideHint')}</small>
        </label>
      </section>
    </>
  );
}
