import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { languages, namespaces, resources, type Language } from './catalogues.js';
import './types.js';

/**
 * The renderer's translations: i18next (plurals by the CLDR rules of `Intl.PluralRules`: keys `x_one`,
 * `x_other`) with one namespace per feature. The language follows the system unless the user picked one
 * (Settings); the choice is kept in this browser profile.
 */
export type LanguagePreference = 'system' | Language;
export { languages, type Language };

const storageKey = 'framewise.language';

/** The first of the system's preferred languages that Framewise ships, else English. */
export function systemLanguage(preferred: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    const hit = languages.find((l) => l === base);
    if (hit) return hit;
  }
  return 'en';
}

export function languagePreference(): LanguagePreference {
  const v = localStorage.getItem(storageKey);
  return v === 'system' || (languages as readonly string[]).includes(v ?? '') ? (v as LanguagePreference) : 'system';
}

function resolve(pref: LanguagePreference): Language {
  return pref === 'system' ? systemLanguage() : pref;
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources,
  ns: namespaces,
  defaultNS: 'common',
  lng: resolve(languagePreference()),
  fallbackLng: false,
  supportedLngs: [...languages],
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

export async function setLanguagePreference(pref: LanguagePreference): Promise<void> {
  localStorage.setItem(storageKey, pref);
  await i18n.changeLanguage(resolve(pref));
}

/** The language in use now (for Intl formatters). */
export function currentLanguage(): Language {
  return (i18n.language as Language | undefined) ?? 'en';
}

// Follow a system language change while the preference is "system".
window.addEventListener('languagechange', () => {
  if (languagePreference() === 'system') void i18n.changeLanguage(systemLanguage());
});
