import { useTranslation } from 'react-i18next';
import { FfmpegSettings } from '../platform/FfmpegSettings.js';
import { AppearanceSettings } from './AppearanceSettings.js';
import { LibrarySettings } from './LibrarySettings.js';
import './settings.css';

/** The Settings screen: library settings (from the core) and this window's appearance. */
export function SettingsView() {
  const { t } = useTranslation('settings');
  return (
    <main className="settings-view" data-testid="settings-view">
      <h1>{t('title')}</h1>
      <AppearanceSettings />
      <LibrarySettings />
      <FfmpegSettings />
    </main>
  );
}
