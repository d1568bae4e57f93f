import { nowIso } from '../db/open.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import {
  encodersOf,
  BUILTIN_PRESETS,
  builtinPreset,
  savedPresetSchema,
  type BuiltinPreset,
  type ConvertOptions,
  type SavedPreset,
} from './presets.js';

export type ConvertPresetsTable = {
  name: string;
  preset_json: string;
  created_at: string;
  updated_at: string;
};
export type ConvertTables = {
  convert_presets: ConvertPresetsTable;
};

const writer = (s: Services) => s.db.writer.withTables<ConvertTables>();
const reader = (s: Services) => s.db.reader.withTables<ConvertTables>();

export async function listSavedPresets(s: Services): Promise<SavedPreset[]> {
  const rows = await reader(s).selectFrom('convert_presets').selectAll().orderBy('name').execute();
  return rows.flatMap((r) => {
    const p = savedPresetSchema.safeParse(JSON.parse(r.preset_json));
    return p.success ? [p.data] : [];
  });
}

export async function savePreset(s: Services, preset: SavedPreset): Promise<SavedPreset> {
  if (builtinPreset(preset.name)) throw new FramewiseError('usage', `"${preset.name}" is a built-in preset; choose another name`);
  if (!builtinPreset(preset.base)) throw new FramewiseError('usage', `Unknown base preset "${preset.base}" (see convert --list-presets)`);
  const now = nowIso();
  await writer(s)
    .insertInto('convert_presets')
    .values({ name: preset.name, preset_json: JSON.stringify(preset), created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ preset_json: JSON.stringify(preset), updated_at: now }))
    .execute();
  return preset;
}

export async function deletePreset(s: Services, name: string): Promise<void> {
  const r = await writer(s).deleteFrom('convert_presets').where('name', '=', name).executeTakeFirst();
  if (!r.numDeletedRows) throw new FramewiseError('not_found', `No saved preset named "${name}"`);
}

export interface ResolvedPreset {
  name: string;
  base: BuiltinPreset;
  options: ConvertOptions;
}

/** A preset by name (built-in or saved) with the caller's options over the saved ones. */
export async function resolvePreset(s: Services, name: string, options: Partial<ConvertOptions> = {}): Promise<ResolvedPreset> {
  const builtin = builtinPreset(name);
  const clean = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<ConvertOptions>;
  if (builtin) return { name, base: builtin, options: { audio: true, strip: [], ...clean } };
  const saved = (await listSavedPresets(s)).find((p) => p.name === name);
  if (!saved) throw new FramewiseError('usage', `Unknown preset "${name}" (see convert --list-presets)`);
  return { name, base: builtinPreset(saved.base)!, options: { ...saved.options, ...clean } };
}

/** Refuse, before anything starts, a preset whose encoders the ffmpeg in use lacks. */
export async function requireEncoders(s: Services, p: ResolvedPreset): Promise<void> {
  const missing = encodersOf(p.base, p.options).filter((e) => !s.ffmpeg.features.hasEncoder(e));
  if (missing.length)
    throw new FramewiseError(
      'unsupported_encoder',
      `Preset "${p.name}" needs the ${missing.join(' and ')} encoder${missing.length > 1 ? 's' : ''}, which the ffmpeg in use (${s.ffmpeg.tools.ffmpeg.path}) does not have`,
      { missing },
    );
}

export interface PresetListing {
  name: string;
  description: string;
  kind: string;
  ext: string;
  builtin: boolean;
  base: string;
  options: Partial<ConvertOptions>;
  encoders: string[];
  /** False when the ffmpeg in use lacks one of the encoders. */
  available: boolean;
}

export async function listPresets(s: Services): Promise<PresetListing[]> {
  const row = (
    name: string,
    description: string,
    base: BuiltinPreset,
    builtin: boolean,
    options: Partial<ConvertOptions>,
  ): PresetListing => {
    const encoders = encodersOf(base, { audio: options.audio ?? true });
    return {
      name,
      description,
      kind: base.kind,
      ext: base.ext,
      builtin,
      base: base.name,
      options,
      encoders,
      available: encoders.every((e) => s.ffmpeg.features.hasEncoder(e)),
    };
  };
  return [
    ...BUILTIN_PRESETS.map((p) => row(p.name, p.description, p, true, {})),
    ...(await listSavedPresets(s)).map((p) =>
      row(p.name, p.description || `${p.base} with options`, builtinPreset(p.base)!, false, p.options),
    ),
  ];
}
