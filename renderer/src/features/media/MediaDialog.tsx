import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui.js';
import './locales/types.js';

/**
 * The shape every media action shares: a button that opens a small dialog (Escape closes it) holding the
 * action's fields, its error, the started job's status and Start / Close. An action with steps of its own
 * (Silence: detect, then apply) leaves out `onStart` and puts its step buttons among its fields.
 */
export function MediaDialog(props: {
  /** Test id prefix: `action-<id>` for the button, `<id>-dialog`, `<id>-error`, `<id>-start`. */
  id: string;
  /** The button's test id when it differs from `action-<id>`. */
  buttonTestId?: string;
  label: string;
  buttonDisabled?: boolean;
  title: string;
  open: boolean;
  setOpen: (open: boolean | ((o: boolean) => boolean)) => void;
  error: string | null;
  status: ReactNode;
  onStart?: () => void;
  startDisabled?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation('media');
  const { id, open, setOpen } = props;
  return (
    <div className="predict-action">
      <Button
        size="sm"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        disabled={props.buttonDisabled}
        data-testid={props.buttonTestId ?? `action-${id}`}
      >
        {props.label}
      </Button>
      {open && (
        <div
          className="predict-popover"
          role="dialog"
          aria-label={props.title}
          data-testid={`${id}-dialog`}
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        >
          {props.children}
          {props.error && (
            <p className="predict-error" role="alert" data-testid={`${id}-error`}>
              {props.error}
            </p>
          )}
          {props.status}
          <div className="row gap-s">
            {props.onStart && (
              <Button variant="primary" size="sm" disabled={props.startDisabled} onClick={props.onStart} data-testid={`${id}-start`}>
                {t('start')}
              </Button>
            )}
            <Button variant="ghost" size="sm" onClick={() => setOpen(false)}>
              {t('close')}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
