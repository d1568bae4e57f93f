import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommandOutput } from '../../../../core/api/commands.js';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';

type Check = CommandOutput<'settings.checkFolder'>;

/**
 * The output folder: the system's folder picker in the desktop app; in the browser a path field checked by
 * the core as you type (exists, is a folder, writable), with the library's recent folders one click away.
 */
export function FolderField({
  value,
  onChange,
  recent,
  onValidity,
  disabled,
}: {
  value: string;
  onChange: (v: string) => void;
  recent: string[];
  onValidity: (ok: boolean) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation('anonymize');
  const [check, setCheck] = useState<Check | null>(null);
  const picker = client().pickFolder;
  useEffect(() => {
    const p = value.trim();
    let live = true;
    const timer = setTimeout(
      () => {
        if (!p) {
          setCheck(null);
          onValidity(false);
          return;
        }
        client()
          .call('settings.checkFolder', { path: p })
          .then((c) => {
            if (!live) return;
            setCheck(c);
            onValidity(c.ok);
          })
          .catch(() => live && onValidity(false));
      },
      p ? 250 : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [value, onValidity]);
  const problem = value.trim() && check && !check.ok && check.problem ? t(`folderProblems.${check.problem}`) : null;
  return (
    <div className="anon-folder">
      <label htmlFor="anon-dir">{t('folder')}</label>
      <div className="anon-folder-row">
        <input
          id="anon-dir"
          className="input"
          type="text"
          value={value}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value)}
          placeholder={t('folderPlaceholder')}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={!!problem}
          aria-describedby="anon-dir-state"
          data-testid="anon-dir"
        />
        {picker && (
          <Button
            disabled={disabled}
            onClick={() => void picker(value || undefined).then((p) => p && onChange(p))}
            data-testid="anon-dir-pick"
          >
            {t('folderChoose')}
          </Button>
        )}
      </div>
      <p
        id="anon-dir-state"
        className={problem ? 'anon-folder-problem' : 'hint'}
        data-testid="anon-dir-state"
        role={problem ? 'alert' : undefined}
      >
        {problem ?? (check?.ok ? t('folderOk') : t('folderHint'))}
      </p>
      {recent.length > 0 && (
        <div className="anon-recent" data-testid="anon-recent">
          <span className="readout-label">{t('folderRecent')}</span>
          {recent.map((r) => (
            <button key={r} type="button" className="link" disabled={disabled} onClick={() => onChange(r)}>
              {r}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
