import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CueWarning, StoredCue } from '../../../../core/api/types.js';
import { clock } from './time.js';

export type DragPart = 'start' | 'end' | 'body';

/** One cue on the lane: a block from its first to its last frame, with edge handles and in-place editing. */
export function CueBlock({
  cue,
  index,
  left,
  width,
  selected,
  editing,
  warnings,
  onPointerDown,
  onSave,
  onCancel,
  onEdit,
}: {
  cue: StoredCue;
  index: number;
  left: number;
  width: number;
  selected: boolean;
  editing: boolean;
  warnings: CueWarning[];
  onPointerDown: (e: ReactPointerEvent, part: DragPart) => void;
  onSave: (text: string) => void;
  onCancel: () => void;
  onEdit: () => void;
}) {
  const { t } = useTranslation('subtitles');
  const plain = cue.text.replace(/<\/?[ibu]>/g, '');
  const title = [`${clock(cue.startMs)} → ${clock(cue.endMs)}`, plain, ...warnings.map((w) => `⚠ ${w.message}`)].join('\n');
  return (
    <div
      className={`sub-cue${selected ? ' is-selected' : ''}${warnings.length ? ' has-warning' : ''}${editing ? ' is-editing' : ''}`}
      style={{ left, width: Math.max(2, width) }}
      data-testid="cue"
      data-id={cue.id}
      data-start-ms={cue.startMs}
      data-end-ms={cue.endMs}
      title={editing ? undefined : title}
      aria-label={t('cue', { n: index + 1, text: plain })}
      onPointerDown={(e) => onPointerDown(e, 'body')}
      onDoubleClick={(e) => {
        e.stopPropagation();
        onEdit();
      }}
    >
      <span className="sub-handle sub-handle-start" data-testid="cue-handle-start" onPointerDown={(e) => onPointerDown(e, 'start')} />
      {editing ? (
        <CueEditor text={cue.text} onSave={onSave} onCancel={onCancel} />
      ) : (
        <span className="sub-cue-text" data-testid="cue-text">
          {plain}
        </span>
      )}
      {warnings.length > 0 && !editing && (
        <span className="sub-cue-warn" aria-label={t('warnings', { count: warnings.length })}>
          ⚠
        </span>
      )}
      <span className="sub-handle sub-handle-end" data-testid="cue-handle-end" onPointerDown={(e) => onPointerDown(e, 'end')} />
    </div>
  );
}

function CueEditor({ text, onSave, onCancel }: { text: string; onSave: (text: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('subtitles');
  const [value, setValue] = useState(text);
  const ref = useRef<HTMLTextAreaElement>(null);
  // Enter saves and unmounts the editor, which blurs it: save (or cancel) only once.
  const done = useRef(false);
  const finish = (save: boolean) => {
    if (done.current) return;
    done.current = true;
    if (save) onSave(value);
    else onCancel();
  };
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  return (
    <textarea
      ref={ref}
      className="sub-cue-editor"
      data-testid="cue-editor"
      value={value}
      rows={2}
      title={t('editHint')}
      aria-label={t('editHint')}
      onChange={(e) => setValue(e.target.value)}
      onPointerDown={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          finish(true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          finish(false);
        }
      }}
      onBlur={() => finish(true)}
    />
  );
}
