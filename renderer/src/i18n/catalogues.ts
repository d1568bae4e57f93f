import type { Resource } from 'i18next';

/**
 * Every catalogue of the renderer, found by file name: `src/i18n/locales/<lang>.json` is the `common`
 * namespace, `src/features/<feature>/locales/<lang>.json` is the `<feature>` namespace. A feature adds its
 * text by adding these two files (and one type line, see `types.ts`); nothing here changes.
 */
const files = import.meta.glob<Record<string, unknown>>(['./locales/*.json', '../features/*/locales/*.json'], {
  eager: true,
  import: 'default',
});

export const languages = ['en', 'de'] as const;
export type Language = (typeof languages)[number];

/** `../features/library/locales/de.json` → ['library', 'de']; `./locales/en.json` → ['common', 'en']. */
export function namespaceOf(file: string): [namespace: string, language: string] {
  const m = /(?:features\/([^/]+)\/)?locales\/([a-z]{2})\.json$/.exec(file);
  if (!m) throw new Error(`Not a catalogue file: ${file}`);
  return [m[1] ?? 'common', m[2]!];
}

export const resources: Resource = {};
for (const [file, catalogue] of Object.entries(files)) {
  const [ns, lang] = namespaceOf(file);
  (resources[lang] ??= {})[ns] = catalogue as Record<string, string>;
}
export const namespaces = [...new Set(Object.keys(files).map((f) => namespaceOf(f)[0]))];
