/**
 * Values for any zod (v4) schema, built from the schema itself: a valid sample with every optional field
 * present (dropping optional fields only where a refinement needs it), and for each field in turn a changed
 * value. Used to prove that something covers every input field of every job kind, present and future.
 */
import type { z } from 'zod';

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const ok = (s: z.ZodType, v: unknown) => s.safeParse(v).success;

const NUMBERS = [1, 2, 3, 0.5, 5, 8, 10, 24, 100, 0, 1000];
const STRINGS = ['sample-a', 'sample-b', '/tmp/framewise-sample/a.mp4', '/tmp/framewise-sample/b.mp4', 'x', 'y'];

/** A valid value for `schema` (undefined when none is found). Optional fields are filled. */
export function sample(schema: z.ZodType, avoid?: unknown): unknown {
  const d = defOf(schema);
  const differs = (v: unknown) => avoid === undefined || JSON.stringify(v) !== JSON.stringify(avoid);
  const pick = (candidates: unknown[]) => candidates.find((c) => differs(c) && ok(schema, c));
  switch (d.type) {
    case 'string':
      return pick(STRINGS);
    case 'number':
    case 'int':
      return pick(NUMBERS);
    case 'boolean':
      return pick([true, false]);
    case 'enum':
      return pick(Object.values(d.entries as Record<string, unknown>));
    case 'literal':
      return pick(d.values as unknown[]);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return sample(d.innerType as z.ZodType, avoid) ?? (d.type === 'nullable' && differs(null) ? null : undefined);
    case 'pipe':
      return sample(d.in as z.ZodType, avoid);
    case 'union':
      for (const o of d.options as z.ZodType[]) {
        const v = sample(o, avoid);
        if (v !== undefined && differs(v)) return v;
      }
      return undefined;
    case 'array': {
      const el = sample(d.element as z.ZodType);
      // [el, el] covers elements that have no second valid value (an object of required fields).
      return pick([[el], [el, sample(d.element as z.ZodType, el)], [el, el], []]);
    }
    case 'record':
      return pick([{ [String(sample(d.keyType as z.ZodType) ?? 'k')]: sample(d.valueType as z.ZodType) }, {}]);
    case 'object': {
      const shape = d.shape as Record<string, z.ZodType>;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(shape)) out[k] = sample(v);
      if (ok(schema, out) && differs(out)) return out;
      // A refinement (e.g. "exactly one of dir or path"): drop optional fields until it holds.
      for (const k of Object.keys(out)) {
        const trial = { ...out };
        delete trial[k];
        if (ok(schema, trial) && differs(trial)) return trial;
      }
      return undefined;
    }
    case 'unknown':
    case 'any':
      return differs({ sample: 1 }) ? { sample: 1 } : { sample: 2 };
    default:
      return undefined;
  }
}

/** The schema of the field at `path` inside an object schema (through optional/default/nullable/pipe). */
function unwrap(schema: z.ZodType): z.ZodType {
  const d = defOf(schema);
  if (['optional', 'nullable', 'default', 'prefault', 'readonly'].includes(d.type)) return unwrap(d.innerType as z.ZodType);
  if (d.type === 'pipe') return unwrap(d.in as z.ZodType);
  return schema;
}

export interface FieldVariant {
  /** e.g. "output.path", "options.codec". */
  path: string;
  value: unknown;
}

/**
 * For every field (nested objects walked into), a whole input that differs from `base` in that field only and
 * still validates against `schema`. Fields with no other valid value are listed in `fixed`.
 */
export function fieldVariants(schema: z.ZodType, base: Record<string, unknown>): { variants: FieldVariant[]; fixed: string[] } {
  const variants: FieldVariant[] = [];
  const fixed: string[] = [];
  const walk = (objSchema: z.ZodType, prefix: string[], set: (obj: Record<string, unknown>) => Record<string, unknown>) => {
    const shape = defOf(objSchema).shape as Record<string, z.ZodType>;
    const current = prefix.reduce<Record<string, unknown>>((o, k) => (o?.[k] ?? {}) as Record<string, unknown>, base);
    for (const [key, fieldSchema] of Object.entries(shape)) {
      const path = [...prefix, key].join('.');
      const inner = unwrap(fieldSchema);
      const value = current[key];
      const withValue = (v: unknown) => {
        const copy = { ...current };
        if (v === undefined) delete copy[key];
        else copy[key] = v;
        return set(copy);
      };
      if (defOf(inner).type === 'object' && value !== undefined && value !== null) {
        walk(inner, [...prefix, key], withValue as (o: Record<string, unknown>) => Record<string, unknown>);
        continue;
      }
      const candidates = [sample(fieldSchema, value), sample(inner, value), value === undefined ? undefined : null];
      if (defOf(fieldSchema).type === 'optional' && value !== undefined) candidates.push(undefined);
      const index = candidates.findIndex(
        (c) => JSON.stringify(c) !== JSON.stringify(value) && (c !== undefined || value !== undefined) && ok(schema, withValue(c)),
      );
      if (index >= 0) {
        variants.push({ path, value: withValue(candidates[index]) });
        continue;
      }
      // A field left out of the sample for a refinement ("exactly one of dir or path"): set it in place of another.
      const alternative = Object.keys(current)
        .filter((k) => k !== key)
        .map((other) => {
          const copy = { ...current, [key]: candidates[0] ?? sample(inner) };
          delete copy[other];
          return set(copy);
        })
        .find((v) => ok(schema, v));
      if (value === undefined && alternative) variants.push({ path: `${path} (instead of another field)`, value: alternative });
      else fixed.push(path);
    }
  };
  walk(unwrapObject(schema), [], (o) => o);
  return { variants, fixed };
}

function unwrapObject(schema: z.ZodType): z.ZodType {
  const d = defOf(schema);
  if (d.type === 'object') return schema;
  if (d.type === 'pipe') return unwrapObject(d.in as z.ZodType);
  return unwrapObject(d.innerType as z.ZodType);
}
