import '../util/onnx-runtime.js';
import * as ort from 'onnxruntime-node';
import { FramewiseError } from '../util/errors.js';
import type { ModelManifest } from './manifest.js';

/** What the pipeline needs to know about a validated model's tensors. */
export interface ModelShape {
  /** Largest batch the model accepts: null = any (dynamic batch dimension). */
  maxBatch: number | null;
}

function fmtShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.map((d) => (typeof d === 'string' ? d || '?' : d < 0 ? '?' : d)).join(', ')}]`;
}

const isDynamic = (d: number | string | undefined): boolean => typeof d === 'string' || d === undefined || d < 0;

/**
 * Load `bytes` with onnxruntime and check them against the manifest: input and output names exist, the
 * input is float32 [N, 3, H, W] (NCHW) or [N, H, W, 3] (NHWC) matching width/height, the output is
 * [N, labels]. Errors say exactly what differs.
 */
export async function validateModel(bytes: Uint8Array, m: ModelManifest, source: string): Promise<ModelShape> {
  let session: ort.InferenceSession;
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
    const inMeta = input as ort.InferenceSession.TensorValueMetadata;
    const outMeta = output as ort.InferenceSession.TensorValueMetadata;
    if (inMeta.type !== 'float32') fail(`input "${m.input.name}" has type ${inMeta.type}; Framewise feeds float32`);
    if (outMeta.type !== 'float32') fail(`output "${m.output.name}" has type ${outMeta.type}; expected float32`);
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
    const o = outMeta.shape;
    if (o.length !== 2) fail(`output "${m.output.name}" has shape ${fmtShape(o)}; expected [N, ${m.labels.length}] (one column per label)`);
    const width = o[1];
    if (!isDynamic(width) && width !== m.labels.length) {
      fail(
        `output "${m.output.name}" has ${width} columns but the manifest lists ${m.labels.length} labels (${m.labels.join(', ')}); labels must match the output columns in order`,
      );
    }
    const batch = s[0];
    const maxBatch = isDynamic(batch) ? null : (batch as number);
    // Run once on a blank input to catch models that load but cannot execute, and dynamic output widths.
    const n = maxBatch ?? 1;
    const dims = m.input.layout === 'NCHW' ? [n, 3, m.input.height, m.input.width] : [n, m.input.height, m.input.width, 3];
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await session.run({ [m.input.name]: new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims) });
    } catch (err) {
      throw new FramewiseError(
        'invalid_model',
        `${source}: the model loads but fails on a ${fmtShape(dims)} input: ${(err as Error).message.split('\n')[0]?.slice(0, 300)}`,
      );
    }
    const out = result[m.output.name];
    const dimsOut = out?.dims ?? [];
    if (dimsOut.length !== 2 || dimsOut[0] !== n || dimsOut[1] !== m.labels.length) {
      fail(
        `output "${m.output.name}" is ${fmtShape(dimsOut)} for a batch of ${n}; expected [${n}, ${m.labels.length}] (one column per label: ${m.labels.join(', ')})`,
      );
    }
    return { maxBatch };
  } finally {
    await session.release().catch(() => undefined);
  }
}
