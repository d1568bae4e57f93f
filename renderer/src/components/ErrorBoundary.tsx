import { Component, type ReactNode } from 'react';
import { i18n } from '../i18n/index.js';

/** Keeps one broken part (a panel, a screen) from taking the whole window down; says what failed and why. */
export class ErrorBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="alert alert-danger panel-error" role="alert" data-testid="panel-error">
        <strong>{i18n.t('errors.partFailed', { name: this.props.name })}</strong> <span className="alert-reason">{error.message}</span>{' '}
        <button type="button" className="link" onClick={() => this.setState({ error: null })}>
          {i18n.t('errors.tryAgain')}
        </button>
      </div>
    );
  }
}
