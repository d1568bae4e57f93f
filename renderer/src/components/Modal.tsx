import { useEffect, useRef, type ReactNode } from 'react';
import { IconButton } from './ui.js';

/** A modal dialog: Escape closes, focus moves in on open and back on close, Tab stays inside; optional sticky footer. */
export function Modal({
  title,
  onClose,
  children,
  closeLabel,
  testId,
  footer,
  className,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  closeLabel: string;
  testId?: string;
  /** Stays visible under the scrolling body (the dialog's action and progress). */
  footer?: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // The owner passes a new onClose with each render (an inline arrow), and it re-renders whenever its video
  // changes (a job ending, another window's edit). The effect below moves the focus, so it runs once per opening
  // and reads the latest onClose from this ref: re-running it took the focus from the field being typed in.
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const el = ref.current;
    // A field marked data-autofocus first, else the first field of the body, else the first control.
    (
      el?.querySelector<HTMLElement>('[data-autofocus]') ??
      el?.querySelector<HTMLElement>('.modal-body input, .modal-body select, .modal-body textarea') ??
      el?.querySelector<HTMLElement>('input, button, select, textarea')
    )?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onCloseRef.current();
      }
      if (e.key === 'Tab' && el) {
        const focusables = Array.from(
          el.querySelectorAll<HTMLElement>(
            'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])',
          ),
        );
        if (!focusables.length) return;
        const first = focusables[0]!;
        const last = focusables[focusables.length - 1]!;
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus?.();
    };
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`modal ${className ?? ''}`} role="dialog" aria-modal="true" aria-label={title} ref={ref} data-testid={testId}>
        <header className="modal-head">
          <h2>{title}</h2>
          <IconButton icon="close" label={closeLabel} onClick={onClose} />
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-foot">{footer}</footer>}
      </div>
    </div>
  );
}
