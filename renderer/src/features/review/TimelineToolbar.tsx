import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, IconButton } from '../../components/ui.js';
import { addLabel, deleteSelected, mergeSelected, redo, relabelSelected, splitSelected, undo, validateSelected } from './actions.js';
import { NewLabelDialog } from './NewLabelDialog.js';
import { edit, inTurn, reviewActions, selectedSegments, useReview } from './reviewStore.js';

const NEW = '\u0000new';

/** Zoom, the label picker (with "New label…"), the segment edits, undo/redo, progress and help. */
export function TimelineToolbar({ zoomAt, fit }: { zoomAt: (factor: number) => void; fit: () => void }) {
  const { t } = useTranslation('review');
  const state = useReview((s) => s.state);
  const lanes = useReview((s) => s.lanes);
  const currentLabel = useReview((s) => s.currentLabel);
  useReview((s) => s.selected);
  const [naming, setNaming] = useState(false);
  if (!state) return null;
  const sel = selectedSegments();
  const progress = state.progress;
  const plain = (s: string) => s.replace(/ \(.*\)$/, '');
  const op = (o: string | null) => (o ? t(`ops.${o}` as 'ops.add', { defaultValue: o }) : '');
  return (
    <div className="tl-toolbar" role="toolbar" aria-label={t('title')}>
      <IconButton icon="minus" label={t('zoomOut')} onClick={() => zoomAt(1 / 1.6)} data-testid="tl-zoom-out" />
      <IconButton icon="plus" label={t('zoomIn')} onClick={() => zoomAt(1.6)} data-testid="tl-zoom-in" />
      <Button size="sm" variant="ghost" onClick={fit} data-testid="tl-zoom-fit" title={t('zoomFit')}>
        {plain(t('zoomFit'))}
      </Button>
      <span className="tl-sep" />
      <label className="tl-label-pick">
        <span className="readout-label">{t('label')}</span>
        <select
          className="input input-sm"
          value={currentLabel ?? ''}
          onChange={(e) => {
            if (e.target.value === NEW) return setNaming(true);
            void relabelSelected(e.target.value);
          }}
          data-testid="tl-label"
        >
          {lanes.map((l, i) => (
            <option key={l} value={l}>
              {i < 9 ? t('labelNumbered', { n: i + 1, label: l }) : l}
            </option>
          ))}
          <option value={NEW}>{t('newLabel')}</option>
        </select>
      </label>
      <Button size="sm" variant="ghost" onClick={() => setNaming(true)} data-testid="tl-new-label">
        {t('newLabel')}
      </Button>
      <span className="tl-sep" />
      <Button size="sm" onClick={() => void splitSelected()} disabled={sel.length !== 1} title={t('split')} data-testid="tl-split">
        {plain(t('split'))}
      </Button>
      <Button size="sm" onClick={() => void mergeSelected()} disabled={!sel.length} title={t('merge')} data-testid="tl-merge">
        {plain(t('merge'))}
      </Button>
      <Button size="sm" onClick={() => void deleteSelected()} disabled={!sel.length} title={t('delete')} data-testid="tl-delete">
        {plain(t('delete'))}
      </Button>
      <Button size="sm" onClick={() => void validateSelected(true)} disabled={!sel.length} title={t('validate')} data-testid="tl-validate">
        {plain(t('validate'))}
      </Button>
      <Button
        size="sm"
        onClick={() => void inTurn(() => edit('segments.validateAll', {}))}
        title={t('validateAll')}
        data-testid="tl-validate-all"
      >
        {t('validateAll')}
      </Button>
      <span className="tl-sep" />
      <IconButton
        icon="undo"
        label={state.undoEntryId ? t('undo', { op: op(state.undoOp) }) : t('nothingToUndo')}
        disabled={!state.undoEntryId}
        onClick={() => void undo()}
        data-testid="tl-undo"
      />
      <IconButton
        icon="redo"
        label={state.redoEntryId ? t('redo', { op: op(state.redoOp) }) : t('nothingToRedo')}
        disabled={!state.redoEntryId}
        onClick={() => void redo()}
        data-testid="tl-redo"
      />
      <span className="tl-spacer" />
      <span className="tl-progress num" data-testid="tl-progress" data-validated={progress.validated} data-total={progress.total}>
        {t('progress', { validated: progress.validated, total: progress.total })}
      </span>
      <IconButton icon="help" label={t('help')} onClick={() => reviewActions.toggleHelp()} data-testid="tl-help" />
      {naming && (
        <NewLabelDialog
          existing={lanes}
          onClose={() => setNaming(false)}
          onCreate={(name) => {
            setNaming(false);
            addLabel(name);
            void relabelSelected(name);
          }}
        />
      )}
    </div>
  );
}
