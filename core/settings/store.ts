import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import { FramewiseError } from '../util/errors.js';
import { settingsSchema, settingKeys, type SettingKey, type Settings } from './schema.js';

/**
 * Settings that name folders a user may have named after a patient (the export folders): stored in
 * `sealed_settings`, whose values are sealed with the library key (core/db/sealed-text.ts). Without the key
 * they read as their defaults.
 */
export const SEALED_SETTING_KEYS: readonly SettingKey[] = ['exportDefaultFolder', 'exportRecentFolders'];

const tableOf = (key: string) => ((SEALED_SETTING_KEYS as readonly string[]).includes(key) ? 'sealed_settings' : 'settings');

export async function readSettings(db: Kysely<Database>): Promise<Settings> {
  const rows = [
    ...(await db.selectFrom('settings').selectAll().execute()),
    // Missing only in a library opened read-only before migration 42 could run (a full disk): defaults apply.
    ...(await db
      .selectFrom('sealed_settings')
      .selectAll()
      .execute()
      .catch(() => [])),
  ];
  const raw: Record<string, unknown> = {};
  for (const r of rows) {
    if (!(settingKeys as string[]).includes(r.key)) continue;
    try {
      raw[r.key] = JSON.parse(r.value_json);
    } catch {
      /* ignore a corrupt value: the default applies */
    }
  }
  // Parse key by key so one bad stored value falls back to its default instead of breaking all.
  const out: Record<string, unknown> = {};
  const defaults = settingsSchema.parse({});
  for (const key of settingKeys) {
    const one = settingsSchema.shape[key].safeParse(raw[key]);
    out[key] = one.success ? one.data : defaults[key];
  }
  return out as Settings;
}

export function validateSetting<K extends SettingKey>(key: string, value: unknown): { key: K; value: Settings[K] } {
  if (!(settingKeys as string[]).includes(key)) {
    throw new FramewiseError('usage', `Unknown setting "${key}". Known settings: ${settingKeys.join(', ')}`);
  }
  const parsed = settingsSchema.shape[key as K].safeParse(value);
  if (!parsed.success)
    throw new FramewiseError('usage', `Invalid value for setting ${key}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return { key: key as K, value: parsed.data as Settings[K] };
}

export async function writeSetting(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  await db
    .insertInto(tableOf(key))
    .values({ key, value_json: JSON.stringify(value), updated_at: nowIso() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: JSON.stringify(value), updated_at: nowIso() }))
    .execute();
}
