import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import { resourcesDir } from '../paths.js';
import type { FieldRegions } from '../patient/fields.js';
import { FramewiseError } from '../util/errors.js';
import { maskShapeSchema, type EndoscopeRegion, type MeasuredEndoscopeRegion } from './endoscope.js';
import { coverage, intersection, boxArea, type Box } from './image.js';

const rect = z.object({
  x: z.number().min(0),
  y: z.number().min(0),
  width: z.number().positive(),
  height: z.number().positive(),
});

/** A device profile: where a processor puts its overlay fields and its endoscope image, at a reference size. */
export const deviceProfileSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\p{L}\p{N} ._()-]+$/u, 'letters, digits, spaces and ._()- only'),
    description: z.string().max(1000).optional(),
    referenceWidth: z.number().int().positive().max(16384),
    referenceHeight: z.number().int().positive().max(16384),
    dateOrder: z.enum(['dmy', 'mdy']).optional(),
    endoscope: rect
      .extend({ shape: maskShapeSchema, cornerCut: z.number().min(0).max(0.5).optional() })
      .strict()
      .optional(),
    fields: z
      .object({
        name: rect.optional(),
        last_name: rect.optional(),
        first_name: rect.optional(),
        dob: rect.optional(),
        examination_date: rect.optional(),
        casenumber: rect.optional(),
        device: rect.optional(),
      })
      .strict(),
  })
  .strict();

export type DeviceProfile = z.infer<typeof deviceProfileSchema>;

export interface ProfileInfo {
  profile: DeviceProfile;
  builtin: boolean;
}

/** Profiles shipped with Framewise (`resources/profiles/*.json`). */
export async function builtinProfiles(): Promise<DeviceProfile[]> {
  const dir = path.join(resourcesDir(), 'profiles');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  const out: DeviceProfile[] = [];
  for (const f of files) out.push(deviceProfileSchema.parse(JSON.parse(await readFile(path.join(dir, f), 'utf8'))));
  return out;
}

/** Built-in and user profiles; a user profile with a built-in's name is refused at save time. */
export async function listProfiles(db: Kysely<Database>): Promise<ProfileInfo[]> {
  const rows = await db.selectFrom('ocr_profiles').selectAll().orderBy('name').execute();
  return [
    ...(await builtinProfiles()).map((profile) => ({ profile, builtin: true })),
    ...rows.map((r) => ({ profile: deviceProfileSchema.parse(JSON.parse(r.profile_json)), builtin: false })),
  ];
}

export async function getProfile(db: Kysely<Database>, name: string): Promise<ProfileInfo> {
  const p = (await listProfiles(db)).find((x) => x.profile.name === name);
  if (!p) throw new FramewiseError('not_found', `No device profile named "${name}"`);
  return p;
}

/** Create or replace a user profile. Built-in profiles cannot be overwritten (save a copy under a new name). */
export async function saveProfile(db: Kysely<Database>, raw: unknown): Promise<DeviceProfile> {
  const parsed = deviceProfileSchema.safeParse(raw);
  if (!parsed.success)
    throw new FramewiseError(
      'usage',
      `Invalid device profile: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'profile'}: ${i.message}`).join('; ')}`,
    );
  const profile = parsed.data;
  if ((await builtinProfiles()).some((b) => b.name === profile.name)) {
    throw new FramewiseError('conflict', `"${profile.name}" is a built-in profile; save your changes under another name`);
  }
  const now = nowIso();
  await db
    .insertInto('ocr_profiles')
    .values({ name: profile.name, profile_json: JSON.stringify(profile), created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ profile_json: JSON.stringify(profile), updated_at: now }))
    .execute();
  return profile;
}

export async function deleteProfile(db: Kysely<Database>, name: string): Promise<void> {
  const r = await db.deleteFrom('ocr_profiles').where('name', '=', name).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new FramewiseError('not_found', `No user profile named "${name}"`);
}

function scaleRect(b: Box, sx: number, sy: number): Box {
  return { x: Math.round(b.x * sx), y: Math.round(b.y * sy), width: Math.round(b.width * sx), height: Math.round(b.height * sy) };
}

/** A profile's field regions scaled to a frame size. */
export function profileRegions(p: DeviceProfile, width: number, height: number): FieldRegions {
  const sx = width / p.referenceWidth;
  const sy = height / p.referenceHeight;
  const out: FieldRegions = {};
  for (const [k, r] of Object.entries(p.fields)) if (r) out[k as keyof FieldRegions] = scaleRect(r, sx, sy);
  return out;
}

export function profileEndoscope(p: DeviceProfile, width: number, height: number): MeasuredEndoscopeRegion | null {
  if (!p.endoscope) return null;
  const sx = width / p.referenceWidth;
  const sy = height / p.referenceHeight;
  const r = scaleRect(p.endoscope, sx, sy);
  const fill =
    p.endoscope.shape === 'circle' ? Math.PI / 4 : p.endoscope.shape === 'rectangle' ? 1 : 1 - 2 * (p.endoscope.cornerCut ?? 0.2) ** 2;
  return {
    ...r,
    shape: p.endoscope.shape,
    frameWidth: width,
    frameHeight: height,
    fill,
    ...(p.endoscope.cornerCut !== undefined ? { cornerCut: p.endoscope.cornerCut } : {}),
  };
}

export interface ProfileMatch {
  name: string;
  /** 0..1 */
  score: number;
}

/**
 * How well a profile fits what was found in a video: the share of its field regions that hold detected
 * text, the overlap of its endoscope rectangle with the detected one, and the aspect ratio.
 */
export function scoreProfile(p: DeviceProfile, textBoxes: Box[], endoscope: EndoscopeRegion | null, width: number, height: number): number {
  const regions = Object.values(profileRegions(p, width, height));
  const withText = regions.filter((r) => textBoxes.some((b) => coverage(b, r) > 0.5)).length;
  const fieldScore = regions.length ? withText / regions.length : 0;
  const pe = profileEndoscope(p, width, height);
  let endoScore = 0.5;
  if (pe && endoscope) {
    const i = intersection(pe, endoscope);
    endoScore = i / (boxArea(pe) + boxArea(endoscope) - i);
  } else if (pe || endoscope) endoScore = 0;
  const aspect = Math.abs(p.referenceWidth / p.referenceHeight - width / height) < 0.03 ? 1 : 0.6;
  return Math.round((0.6 * fieldScore + 0.4 * endoScore) * aspect * 1000) / 1000;
}

export function rankProfiles(
  profiles: DeviceProfile[],
  textBoxes: Box[],
  endoscope: EndoscopeRegion | null,
  width: number,
  height: number,
): ProfileMatch[] {
  return profiles
    .map((p) => ({ name: p.name, score: scoreProfile(p, textBoxes, endoscope, width, height) }))
    .sort((a, b) => b.score - a.score);
}

/** A suggestion is made only when a profile clearly fits. */
export const SUGGEST_MIN_SCORE = 0.6;
