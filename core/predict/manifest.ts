import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FramewiseError, isNodeError } from '../util/errors.js';
import type { TensorSpec } from './inference-protocol.js';

/**
 * The model manifest (docs/models.md): a JSON file next to the `.onnx` file. Accepted exactly as documented;
 * extra keys are allowed and kept. `crop: "roi"` may be given at the top level or inside `input`.
 */
const label = z.string().min(1).max(100);
const rgb = z.tuple([z.number(), z.number(), z.number()]);

/** The input spec (size, layout, colour, normalisation), shared by classifiers and embedding models. */
export const modelInputSchema = z
  .object({
    name: z.string().min(1),
    layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
    width: z.number().int().min(1).max(4096),
    height: z.number().int().min(1).max(4096),
    colorOrder: z.enum(['RGB', 'BGR']).default('RGB'),
    scale: z.number().positive().default(255),
    mean: rgb.default([0, 0, 0]),
    std: rgb.refine((s) => s.every((x) => x !== 0), 'std values must not be 0').default([1, 1, 1]),
    resize: z.enum(['stretch', 'letterbox']).default('stretch'),
    crop: z.enum(['roi', 'none']).optional(),
  })
  .loose();

export const manifestSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" only, starting with a letter or digit'),
    version: z.string().min(1).max(100),
    file: z.string().min(1).max(1000),
    task: z.enum(['multilabel', 'multiclass']),
    labels: z
      .array(label)
      .min(1)
      .max(1000)
      .refine((l) => new Set(l).size === l.length, 'labels must be unique'),
    input: modelInputSchema,
    output: z
      .object({
        name: z.string().min(1),
        activation: z.enum(['sigmoid', 'softmax', 'none']).default('none'),
      })
      .loose(),
    thresholds: z
      .object({ default: z.number().min(0).max(1).default(0.5) })
      .catchall(z.number().min(0).max(1))
      .default({ default: 0.5 }),
    smoothing: z
      .object({
        windowSeconds: z.number().min(0).max(600).default(1),
        minSegmentSeconds: z.number().min(0).max(36000).default(1),
        mergeGapSeconds: z.number().min(0).max(3600).default(0.5),
        /** Leave a segment when the smoothed score falls below threshold − hysteresis. */
        hysteresis: z.number().min(0).max(1).default(0.1),
      })
      .loose()
      .default({ windowSeconds: 1, minSegmentSeconds: 1, mergeGapSeconds: 0.5, hysteresis: 0.1 }),
    crop: z.enum(['roi', 'none']).optional(),
  })
  .loose()
  .superRefine((m, ctx) => {
    for (const key of Object.keys(m.thresholds)) {
      if (key !== 'default' && !m.labels.includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['thresholds', key], message: `"${key}" is not one of the labels (${m.labels.join(', ')})` });
      }
    }
  });

export type ModelManifest = z.infer<typeof manifestSchema>;

/**
 * An embedding model (docs/models.md): the same input spec, and an output of kind `embedding`: a vector of
 * `length` values per frame, or `tokens` × `length` values averaged over the tokens (`pooling: "mean"`), then
 * L2-normalised (`normalisation: "l2"`, the default) or left as they are.
 */
export const embeddingManifestSchema = z
  .object({
    name: manifestSchema.shape.name,
    version: z.string().min(1).max(100),
    file: z.string().min(1).max(1000),
    task: z.literal('embedding'),
    input: modelInputSchema,
    output: z
      .object({
        name: z.string().min(1),
        kind: z.literal('embedding'),
        length: z.number().int().min(1).max(65536),
        pooling: z.enum(['none', 'mean']).default('none'),
        tokens: z.number().int().min(1).max(65536).optional(),
        normalisation: z.enum(['l2', 'none']).default('l2'),
      })
      .loose()
      .refine((o) => o.pooling === 'none' || o.tokens !== undefined, { message: 'pooling "mean" needs "tokens"', path: ['tokens'] }),
  })
  .loose();

export type EmbeddingManifest = z.infer<typeof embeddingManifestSchema>;

/** Crop to the endoscope region before resizing? */
export function wantsRoi(m: ModelManifest): boolean {
  return m.crop === 'roi' || m.input.crop === 'roi';
}

/**
 * What the inference worker is told of a model (a classifier, or an embedding model): its tensors, input size and
 * normalisation, how many values a frame gives and the activation applied to them.
 */
export function tensorSpecOf(
  m: { input: z.infer<typeof modelInputSchema>; output: { name: string } },
  labels: number,
  activation: TensorSpec['activation'],
): TensorSpec {
  const { name: inputName, layout, width, height, scale, mean, std } = m.input;
  return { inputName, outputName: m.output.name, layout, width, height, scale, mean, std, labels, activation, maxBatch: null };
}

export function thresholdFor(m: Pick<ModelManifest, 'thresholds'>, labelName: string): number {
  const t = m.thresholds[labelName];
  return typeof t === 'number' ? t : m.thresholds.default;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('; ');
}

/** Any manifest the model store takes: a classifier or an embedding model. */
export type AnyManifest = ModelManifest | EmbeddingManifest;

export const isEmbeddingManifest = (m: AnyManifest): m is EmbeddingManifest => m.task === 'embedding';

/** Validate manifest JSON (already parsed). `source` names the file in messages. */
export function parseManifest(json: unknown, source: string): ModelManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new FramewiseError('invalid_model', `${source}: invalid model manifest: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** A classifier's or an embedding model's manifest (by its `task`). */
export function parseAnyManifest(json: unknown, source: string): AnyManifest {
  if (json !== null && typeof json === 'object' && (json as { task?: unknown }).task === 'embedding') {
    const parsed = embeddingManifestSchema.safeParse(json);
    if (!parsed.success)
      throw new FramewiseError('invalid_model', `${source}: invalid embedding model manifest: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }
  return parseManifest(json, source);
}

/** Read and validate a manifest file; returns the manifest and the absolute path of its .onnx file. */
export async function readManifest(manifestPath: string): Promise<{ manifest: AnyManifest; modelFile: string }> {
  const abs = path.resolve(manifestPath);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    if (isNodeError(err) && err.code === 'ENOENT') throw new FramewiseError('file_missing', `${abs}: the manifest file does not exist`);
    throw new FramewiseError('file_unreadable', `${abs}: cannot read the manifest (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FramewiseError('invalid_model', `${abs}: the manifest is not valid JSON (${(err as Error).message})`);
  }
  const manifest = parseAnyManifest(json, abs);
  if (path.isAbsolute(manifest.file)) {
    throw new FramewiseError('invalid_model', `${abs}: "file" must be relative to the manifest's folder, got an absolute path`);
  }
  return { manifest, modelFile: path.resolve(path.dirname(abs), manifest.file) };
}
