import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { languagePreference, languages, setLanguagePreference, systemLanguage, type LanguagePreference } from '../../i18n/index.js';
import { setThemePreference, themePreference, type ThemePreference } from './theme.js';

/** Theme and language: preferences of this app window (kept in its profile), not of the library. */
export function AppearanceSettings() {
  const { t } = useTranslation('settings');
  const { t: tc } = useTranslation();
  const [theme, setTheme] = useState<ThemePreference>(themePreference);
  const [language, setLanguage] = useState<LanguagePreference>(languagePreference);
  return (
    <section className="settings-section" aria-labelledby="settings-appearance">
      <h2 id="settings-appearance">{t('appearance')}</h2>
      <label className="settings-row">
        <span>{t('theme')}</span>
        <select
          value={theme}
          data-testid="settings-theme"
          onChange={(e) => {
            const v = e.target.value as ThemePreference;
            setTheme(v);
            setThemePreference(v);
          }}
        >
          {(['system', 'light', 'dark'] as const).map((v) => (
            <option key={v} value={v}>
              {t(`themes.${v}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="settings-row">
        <span>{t('language')}</span>
        <select
          value={language}
          data-testid="settings-language"
          onChange={(e) => {
            const v = e.target.value as LanguagePreference;
            setLanguage(v);
            void setLanguagePreference(v);
          }}
        >
          <option value="system">{tc('languages.system', { language: tc(`languages.${systemLanguage()}`) })}</option>
          {languages.map((l) => (
            <option key={l} value={l}>
              {tc(`languages.${l}`)}
            </option>
          ))}
        </select>
        <small className="settings-hint">{t('languageHint')}</small>
      </label>
    </section>
  );
}
