import { Button } from './components/ui.js';
import { Icon } from './components/Icon.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { DropOverlay } from './features/import/DropOverlay.js';
import { ImportDialog } from './features/import/ImportDialog.js';
import { JobsButton, JobsPanel } from './features/jobs/JobsPanel.js';
import { LibraryView } from './features/library/LibraryView.js';
import { VideoView } from './features/video/VideoView.js';
import { navigate, useRoute } from './lib/route.js';
import { dismissNotice, setUi, useApp } from './state/store.js';
import { useTranslation } from 'react-i18next';
import { SettingsView } from './features/settings/SettingsView.js';
import { ModelsView } from './features/models/ModelsView.js';

function ConnectionBanner() {
  const { t } = useTranslation();
  const connection = useApp((s) => s.connection);
  if (connection === 'open') return null;
  return (
    <div className="banner" role="status" data-testid="connection-banner">
      {connection === 'connecting'
        ? t('connection.connecting')
        : connection === 'unauthorized'
          ? t('connection.unauthorized')
          : t('connection.lost')}
    </div>
  );
}

function Notices() {
  const { t } = useTranslation();
  const notices = useApp((s) => s.notices);
  if (!notices.length) return null;
  return (
    <div className="toasts" aria-live="assertive">
      {notices.slice(-4).map((n) => (
        <div className={`toast toast-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'} key={n.id} data-testid="notice">
          <Icon name={n.tone === 'error' ? 'alert' : 'check'} size={16} />
          <span>{n.text}</span>
          <button type="button" className="link" onClick={() => dismissNotice(n.id)}>
            {t('actions.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}

export function App() {
  const { t } = useTranslation();
  const route = useRoute();
  const importOpen = useApp((s) => s.importOpen);
  const jobsOpen = useApp((s) => s.jobsOpen);
  return (
    <div className={`app ${jobsOpen ? 'with-drawer' : ''}`}>
      <header className="topbar">
        <a
          className="brand"
          href="#/"
          onClick={(e) => {
            e.preventDefault();
            navigate({ name: 'library' });
          }}
        >
          <span className="brand-mark" aria-hidden="true">
            <svg viewBox="0 0 24 24" width="18" height="18">
              <rect x="3" y="5" width="18" height="14" rx="3" fill="none" stroke="currentColor" strokeWidth="2" />
              <path d="M10 9.5v5l4.5-2.5z" fill="currentColor" />
            </svg>
          </span>
          {t('appName')}
        </a>
        <nav className="topnav" aria-label={t('nav.main')}>
          <a href="#/" aria-current={route.name === 'library' ? 'page' : undefined}>
            {t('nav.library')}
          </a>
          <a href="#/models" aria-current={route.name === 'models' ? 'page' : undefined} data-testid="nav-models">
            {t('nav.models')}
          </a>
          <a href="#/settings" aria-current={route.name === 'settings' ? 'page' : undefined} data-testid="nav-settings">
            {t('nav.settings')}
          </a>
        </nav>
        <div className="topbar-actions">
          <JobsButton />
          <Button variant="primary" icon="upload" onClick={() => setUi({ importOpen: true })} data-testid="import-button">
            {t('nav.import')}
          </Button>
        </div>
      </header>
      <ConnectionBanner />
      <div className="workspace">
        <ErrorBoundary name={t(`nav.${route.name}`)} key={route.name === 'video' ? route.id : route.name}>
          {route.name === 'video' ? (
            <VideoView id={route.id} key={route.id} />
          ) : route.name === 'settings' ? (
            <SettingsView />
          ) : route.name === 'models' ? (
            <ModelsView />
          ) : (
            <LibraryView />
          )}
        </ErrorBoundary>
        {jobsOpen && (
          <ErrorBoundary name={t('nav.jobs')}>
            <JobsPanel />
          </ErrorBoundary>
        )}
      </div>
      {importOpen && (
        <ErrorBoundary name={t('nav.import')}>
          <ImportDialog />
        </ErrorBoundary>
      )}
      <DropOverlay />
      <Notices />
    </div>
  );
}
