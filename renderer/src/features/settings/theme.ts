/** Light, dark or the OS's choice: sets `data-theme` on <html> (tokens.css), kept in this browser profile. */
export type ThemePreference = 'system' | 'light' | 'dark';
const storageKey = 'framewise.theme';
const media = window.matchMedia('(prefers-color-scheme: dark)');

export function themePreference(): ThemePreference {
  const v = localStorage.getItem(storageKey);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function applyTheme(pref: ThemePreference = themePreference()): void {
  const dark = pref === 'dark' || (pref === 'system' && media.matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function setThemePreference(pref: ThemePreference): void {
  localStorage.setItem(storageKey, pref);
  applyTheme(pref);
}

media.addEventListener('change', () => applyTheme());
