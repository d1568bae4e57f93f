import type * as Ort from 'onnxruntime-node';
import { loadOnnxRuntime } from '../util/onnx-runtime.js';
import { FramewiseError } from '../util/errors.js';
import { isEmbeddingManifest, type AnyManifest } from './manifest.js';
import { toHalfBits } from './half.js';

/** What the pipeline needs to know about a validated model's tensors. */
export interface ModelShape {
  /** Largest batch the model accepts: null = any (dynamic batch dimension). */
  maxBatch: number | null;
}

function fmtShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.map((d) => (typeof d === 'string' ? d || '?' : d < 0 ? '?' : d)).join(', ')}]`;
}

const isDynamic = (d: number | string | undefined): boolean => typeof d === 'string' || d === undefined || d < 0;

/** Tensor element types Framewise feeds and reads (float16 is converted from and to float32 in the worker). */
const FLOAT_TYPES = ['float32', 'float16'];

/**
 * Load `bytes` with onnxruntime and check them against the manifest: input and output names exist, the
 * input is float32, float16 or uint8 (the bytes as decoded, normalised by the graph) [N, 3, H, W] (NCHW) or [N, H, W, 3] (NHWC) matching width/height, the output is
 * float32 or float16 [N, labels] (a classifier) or [N, length] / [N, tokens, length] (an embedding model).
 * Errors say exactly what differs.
 */
export async function validateModel(bytes: Uint8Array, m: AnyManifest, source: string): Promise<ModelShape> {
  // Loaded here, not at import: every `framewise` process imports this module, few validate a model.
  const ort = await loadOnnxRuntime();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0]?.slice(0, 300) ?? 'unknown error';
    throw new FramewiseError('invalid_model', `${source}: onnxruntime cannot load this file as an ONNX model (${msg})`);
  }
  try {
    const fail = (what: string) => {
      throw new FramewiseError('invalid_model', `${source}: ${what}`);
    };
    const input = session.inputMetadata.find((i) => i.name === m.input.name);
    if (!input)
      fail(
        `the model has no input named "${m.input.name}" (its inputs: ${session.inputNames.join(', ') || 'none'}); set input.name in the manifest`,
      );
    if (session.inputNames.length !== 1)
      fail(`the model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); Framewise feeds exactly one image input`);
    const output = session.outputMetadata.find((o) => o.name === m.output.name);
    if (!output)
      fail(
        `the model has no output named "${m.output.name}" (its outputs: ${session.outputNames.join(', ') || 'none'}); set output.name in the manifest`,
      );
    if (!input!.isTensor || !output!.isTensor) fail('input and output must be tensors');
    const inMeta = input as Ort.InferenceSession.TensorValueMetadata;
    const outMeta = output as Ort.InferenceSession.TensorValueMetadata;
    if (!FLOAT_TYPES.includes(inMeta.type) && inMeta.type !== 'uint8')
      fail(`input "${m.input.name}" has type ${inMeta.type}; Framewise feeds float32, float16 or uint8`);
    // A uint8 input gets the frame's bytes as they are (the graph scales them itself): a normalisation in the
    // manifest would be silently ignored, so it must be the identity.
    if (inMeta.type === 'uint8' && (m.input.scale !== 1 || m.input.mean.some((x) => x !== 0) || m.input.std.some((x) => x !== 1)))
      fail(
        `input "${m.input.name}" is uint8, so the model gets the pixel bytes as they are; set input.scale to 1, mean to [0,0,0] and std to [1,1,1] (the graph normalises)`,
      );
    if (!FLOAT_TYPES.includes(outMeta.type)) fail(`output "${m.output.name}" has type ${outMeta.type}; expected float32 or float16`);
    const s = inMeta.shape;
    const expected = m.input.layout === 'NCHW' ? ['N', 3, m.input.height, m.input.width] : ['N', m.input.height, m.input.width, 3];
    if (s.length !== 4)
      fail(
        `input "${m.input.name}" has shape ${fmtShape(s)} (rank ${s.length}); expected ${fmtShape(expected)} for layout ${m.input.layout}`,
      );
    const names = m.input.layout === 'NCHW' ? ['channels', 'height', 'width'] : ['height', 'width', 'channels'];
    for (let i = 1; i < 4; i++) {
      const d = s[i];
      if (!isDynamic(d) && d !== expected[i]) {
        fail(
          `input "${m.input.name}" has shape ${fmtShape(s)} but the manifest (layout ${m.input.layout}, ${m.input.width}x${m.input.height}) needs ${fmtShape(expected)}: ${names[i - 1]} is ${d}, not ${expected[i]}`,
        );
      }
    }
    // The values per frame: one per label, or the embedding (× tokens when they are averaged).
    const emb = isEmbeddingManifest(m) ? m.output : null;
    const labels = isEmbeddingManifest(m) ? [] : m.labels;
    const columns = emb ? [...(emb.pooling === 'mean' ? [emb.tokens!] : []), emb.length] : [labels.length];
    const what = emb
      ? emb.pooling === 'mean'
        ? `[N, ${emb.tokens}, ${emb.length}] (tokens × embedding length)`
        : `[N, ${emb.length}] (the embedding length)`
      : `[N, ${columns[0]}] (one column per label)`;
    const o = outMeta.shape;
    if (o.length !== columns.length + 1) fail(`output "${m.output.name}" has shape ${fmtShape(o)}; expected ${what}`);
    columns.forEach((c, i) => {
      const d = o[i + 1];
      if (isDynamic(d) || d === c) return;
      if (emb) fail(`output "${m.output.name}" has shape ${fmtShape(o)}; the manifest says ${what}`);
      fail(
        `output "${m.output.name}" has ${d} columns but the manifest lists ${c} labels (${labels.join(', ')}); labels must match the output columns in order`,
      );
    });
    const batch = s[0];
    const maxBatch = isDynamic(batch) ? null : (batch as number);
    // Run once on a blank input to catch models that load but cannot execute, and dynamic output widths.
    const n = maxBatch ?? 1;
    const dims = m.input.layout === 'NCHW' ? [n, 3, m.input.height, m.input.width] : [n, m.input.height, m.input.width, 3];
    let result: Ort.InferenceSession.ReturnType;
    try {
      const blank = new Float32Array(dims.reduce((a, b) => a * b, 1));
      const tensor =
        inMeta.type === 'uint8'
          ? new ort.Tensor('uint8', new Uint8Array(blank.length), dims)
          : inMeta.type === 'float16'
            ? new ort.Tensor('float16', toHalfBits(blank), dims)
            : new ort.Tensor('float32', blank, dims);
      result = await session.run({ [m.input.name]: tensor });
    } catch (err) {
      throw new FramewiseError(
        'invalid_model',
        `${source}: the model loads but fails on a ${fmtShape(dims)} input: ${(err as Error).message.split('\n')[0]?.slice(0, 300)}`,
      );
    }
    const out = result[m.output.name];
    const dimsOut = out?.dims ?? [];
    const expectedOut = [n, ...columns];
    if (dimsOut.length !== expectedOut.length || dimsOut.some((d, i) => d !== expectedOut[i])) {
      fail(
        `output "${m.output.name}" is ${fmtShape(dimsOut)} for a batch of ${n}; expected ${fmtShape(expectedOut)}` +
          (emb ? '' : ` (one column per label: ${labels.join(', ')})`),
      );
    }
    return { maxBatch };
  } finally {
    await session.release().catch(() => undefined);
  }
}
