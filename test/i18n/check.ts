/** The rules a renderer catalogue set (one namespace, one JSON object per language) must follow. */
export type CatalogueSet = Record<string, Record<string, unknown>>;

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function flatten(obj: Record<string, unknown>, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out.set(key, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
}

/**
 * Problems, as sentences: a catalogue missing for a language, a key missing or extra, a plural key without
 * every form the language's CLDR rules (Intl.PluralRules) need, a placeholder lost in translation, an empty text.
 */
export function checkCatalogues(set: CatalogueSet, languages: readonly string[]): string[] {
  const problems: string[] = [];
  const flat = new Map<string, Map<string, string>>();
  for (const lang of languages) {
    const c = set[lang];
    if (!c) problems.push(`${lang}.json is missing`);
    else flat.set(lang, flatten(c));
  }
  // Base keys (plural suffix removed) and which of them are plurals, over all languages.
  const bases = new Map<string, boolean>();
  for (const keys of flat.values())
    for (const k of keys.keys())
      bases.set(k.replace(PLURAL_SUFFIX, ''), (bases.get(k.replace(PLURAL_SUFFIX, '')) ?? false) || PLURAL_SUFFIX.test(k));
  for (const [lang, keys] of flat) {
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [base, plural] of bases) {
      const wanted = plural ? categories.map((c) => `${base}_${c}`) : [base];
      for (const w of wanted) if (!keys.has(w)) problems.push(`${lang}: "${w}" is missing`);
    }
    for (const [k, text] of keys) {
      if (!bases.has(k.replace(PLURAL_SUFFIX, ''))) problems.push(`${lang}: "${k}" is unexpected`);
      if (!text.trim()) problems.push(`${lang}: "${k}" is empty`);
    }
  }
  // Placeholders must survive translation (compared per key with English, plural forms by their base).
  const en = flat.get(languages[0]!);
  if (en)
    for (const [lang, keys] of flat) {
      if (lang === languages[0]) continue;
      for (const [k, text] of keys) {
        const source = en.get(k) ?? en.get(`${k.replace(PLURAL_SUFFIX, '')}_other`);
        if (source === undefined) continue;
        const want = placeholders(source).filter((p) => p !== 'count');
        const have = placeholders(text);
        for (const p of want) if (!have.includes(p)) problems.push(`${lang}: "${k}" lost the placeholder {{${p}}}`);
      }
    }
  return problems;
}
