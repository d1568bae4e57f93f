import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type onnxProto from 'onnx-proto';
import { cacheDir } from '../ffmpeg/capabilities.js';
import { detectionModelPath, recognitionOnnxPath } from './models.js';

/**
 * The PP-OCRv4 text detector with its per-layer affine steps folded into the convolutions (the same function in
 * real arithmetic; float results within ≈ 1e-5 of the shipped model's).
 *
 * Why: the shipped graph (Paddle2ONNX export of PPLCNetV3) follows each convolution with a learnable affine step
 * (Mul and Add by scalars), writes hardswish out as Add/Clip/Mul/Div and puts a second affine step after it. ONNX
 * Runtime's NCHWc layout cannot run those scalar ops, so around each of them it converts the feature map back to
 * NCHW and forward again: 400 nodes a run, of them 93 layout conversions and ≈ 220 elementwise passes. In a
 * verification the detector runs ≈ 1400 times on small inputs (≈ 20 k pixels), where these passes and their
 * per-node cost are a large share of the time. Rewritten:
 *  - Conv → Mul(s) → Add(b): into the convolution, W' = s·W, B' = s·B + b.
 *  - Add(x, 3) → Clip(0, 6) → Mul(x, ·) → Div(6): x · HardSigmoid(x; 1/6, 0.5), which ONNX Runtime fuses into the
 *    NCHWc convolution before it (hardswish as the convolution's activation).
 *  - Mul(s) → Add(b) feeding an unpadded convolution: folded into it (W' = s·W, B' = B + b·ΣW); feeding a padded
 *    one: a 1×1 depthwise convolution (weight s, bias b) that stays in the NCHWc layout. Folding b into a padded
 *    convolution would be wrong at the picture's edges (the padding is zeros, not b), so it is not done.
 * Measured (the 1404 detector inputs of one bench verification, one ONNX thread, sessions interleaved in one
 * process): ≈ −24 % ONNX CPU; boxes identical on 656 real inputs (docs/benchmarks.md, feat/vdet).
 */

/** Bumped whenever the rewrite changes: a cached file of another version is not used. */
const FUSE_VERSION = 1;

type Onnx = typeof onnxProto.onnx;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;

/** How many of each rewrite were made (for tests: the shipped model gives 28 / 24 / 10 / 10). */
export interface FuseCounts {
  convAffine: number;
  hardswish: number;
  affineIntoConv: number;
  affineAsDepthwise: number;
}

let proto: Onnx | undefined;
function onnx(): Onnx {
  proto ??= (createRequire(import.meta.url)('onnx-proto') as typeof onnxProto).onnx;
  return proto;
}

function floats(t: Tensor): Float32Array | null {
  if (t.dataType !== onnx().TensorProto.DataType.FLOAT) return null;
  if (t.rawData && t.rawData.length) {
    const raw = t.rawData;
    // A copy: rawData may not be aligned for a Float32Array view.
    return new Float32Array(Uint8Array.from(raw).buffer);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** The shipped detector model, rewritten (see above); `counts` receives what was rewritten. */
export function fusedDetectionModel(counts?: FuseCounts): Uint8Array {
  return fusedModel(detectionModelPath(), counts);
}

/** A PP-OCR (PPLCNetV3) model file, rewritten (see above); `counts` receives what was rewritten. */
export function fusedModel(file: string, counts?: FuseCounts): Uint8Array {
  const o = onnx();
  const model = o.ModelProto.decode(readFileSync(file));
  const g = model.graph!;
  const consts = new Map<string, Float32Array>();
  const dims = new Map<string, number[]>();
  for (const n of g.node ?? []) {
    const t = n.opType === 'Constant' ? n.attribute?.[0]?.t : undefined;
    const v = t ? floats(t) : null;
    if (t && v && n.output?.[0]) {
      consts.set(n.output[0], v);
      dims.set(n.output[0], (t.dims ?? []).map(Number));
    }
  }
  for (const t of g.initializer ?? []) {
    const v = floats(t);
    if (v && t.name) {
      consts.set(t.name, v);
      dims.set(t.name, (t.dims ?? []).map(Number));
    }
  }
  let uid = 0;
  const added: Tensor[] = [];
  const constant = (v: Float32Array, shape: number[]): string => {
    const name = `framewise_fused_${uid++}`;
    added.push(
      o.TensorProto.create({ name, dims: shape, dataType: o.TensorProto.DataType.FLOAT, rawData: new Uint8Array(v.buffer.slice(0)) }),
    );
    consts.set(name, v);
    dims.set(name, shape);
    return name;
  };
  const attr = (n: Node, name: string) => n.attribute?.find((a) => a.name === name);
  const clipBound = (n: Node, name: string): number[] | undefined => {
    const a = attr(n, name);
    return a && a.f !== undefined && a.f !== null ? [a.f] : undefined;
  };
  /** The scalar constant input of a binary node, and its other input. */
  const scalarOf = (n: Node): { s: number; other: string } | null => {
    const ins = n.input ?? [];
    for (let k = 0; k < 2; k++) {
      const v = consts.get(ins[k] ?? '');
      if (v && v.length === 1 && ins[1 - k]) return { s: v[0]!, other: ins[1 - k]! };
    }
    return null;
  };
  const consumers = (): Map<string, Node[]> => {
    const c = new Map<string, Node[]>();
    for (const n of g.node ?? []) for (const i of n.input ?? []) c.set(i, [...(c.get(i) ?? []), n]);
    return c;
  };
  /** The only consumer of `name`, when it is one node of type `op`. */
  const single = (c: Map<string, Node[]>, name: string | undefined, op: string): Node | null => {
    const list = c.get(name ?? '') ?? [];
    return list.length === 1 && list[0]!.opType === op ? list[0]! : null;
  };
  const convWeights = (conv: Node) => {
    const w = consts.get(conv.input?.[1] ?? '');
    const shape = dims.get(conv.input?.[1] ?? '');
    if (!w || !shape) return null;
    const cout = shape[0]!;
    const b = conv.input?.[2] ? consts.get(conv.input[2]) : new Float32Array(cout);
    return b && b.length === cout ? { w, shape, cout, per: w.length / cout, b } : null;
  };
  const n0: FuseCounts = { convAffine: 0, hardswish: 0, affineIntoConv: 0, affineAsDepthwise: 0 };
  const removed = new Set<Node>();
  const prune = () => {
    g.node = (g.node ?? []).filter((n) => !removed.has(n));
  };

  // 1. Conv → Mul(s) → Add(b) into the convolution.
  let c = consumers();
  for (const conv of g.node ?? []) {
    if (conv.opType !== 'Conv') continue;
    const mul = single(c, conv.output?.[0], 'Mul');
    const ms = mul && scalarOf(mul);
    const add = ms && single(c, mul.output?.[0], 'Add');
    const as = add && scalarOf(add);
    const cw = as && convWeights(conv);
    if (!mul || !ms || !add || !as || !cw) continue;
    conv.input = [
      conv.input![0]!,
      constant(
        cw.w.map((x) => x * ms.s),
        cw.shape,
      ),
      constant(
        cw.b.map((x) => x * ms.s + as.s),
        [cw.cout],
      ),
    ];
    conv.output = [add.output![0]!];
    removed.add(mul).add(add);
    n0.convAffine++;
  }
  prune();

  // 2. Hardswish written out → x · HardSigmoid(x).
  c = consumers();
  for (const a of g.node ?? []) {
    if (a.opType !== 'Add') continue;
    const s = scalarOf(a);
    if (!s || s.s !== 3) continue;
    const clip = single(c, a.output?.[0], 'Clip');
    // Clip's bounds are inputs from opset 11 on, attributes before (the recogniser's export).
    const lo = clip && (consts.get(clip.input?.[1] ?? '') ?? clipBound(clip, 'min'));
    const hi = clip && (consts.get(clip.input?.[2] ?? '') ?? clipBound(clip, 'max'));
    const mul = clip && single(c, clip.output?.[0], 'Mul');
    const div = mul && single(c, mul.output?.[0], 'Div');
    const six = div && consts.get(div.input?.[1] ?? '');
    if (!clip || lo?.[0] !== 0 || hi?.[0] !== 6 || !mul || !mul.input?.includes(s.other) || !div || six?.length !== 1 || six[0] !== 6)
      continue;
    const gate = `framewise_hardsigmoid_${uid++}`;
    a.opType = 'HardSigmoid';
    a.input = [s.other];
    a.output = [gate];
    a.attribute = [
      o.AttributeProto.create({ name: 'alpha', f: 1 / 6, type: o.AttributeProto.AttributeType.FLOAT }),
      o.AttributeProto.create({ name: 'beta', f: 0.5, type: o.AttributeProto.AttributeType.FLOAT }),
    ];
    mul.input = [s.other, gate];
    mul.output = [div.output![0]!];
    removed.add(clip).add(div);
    n0.hardswish++;
  }
  prune();

  // 3. Mul(s) → Add(b) → Conv: into an unpadded convolution, else a 1×1 depthwise convolution.
  c = consumers();
  for (const mul of g.node ?? []) {
    if (mul.opType !== 'Mul') continue;
    const ms = scalarOf(mul);
    const add = ms && single(c, mul.output?.[0], 'Add');
    const as = add && scalarOf(add);
    const conv = as && single(c, add.output?.[0], 'Conv');
    const cw = conv && convWeights(conv);
    if (!ms || !add || !as || !conv || !cw) continue;
    const pads = (attr(conv, 'pads')?.ints ?? []).map(Number);
    const group = Number(attr(conv, 'group')?.i ?? 1);
    if (pads.every((p) => p === 0)) {
      const bias = cw.b.map((x, k) => {
        let sum = 0;
        for (let i = 0; i < cw.per; i++) sum += cw.w[k * cw.per + i]!;
        return x + as.s * sum;
      });
      conv.input = [
        ms.other,
        constant(
          cw.w.map((x) => x * ms.s),
          cw.shape,
        ),
        constant(bias, [cw.cout]),
      ];
      removed.add(mul).add(add);
      n0.affineIntoConv++;
    } else {
      const channels = group > 1 ? cw.cout : cw.shape[1]!;
      mul.opType = 'Conv';
      mul.input = [
        ms.other,
        constant(new Float32Array(channels).fill(ms.s), [channels, 1, 1, 1]),
        constant(new Float32Array(channels).fill(as.s), [channels]),
      ];
      mul.output = [add.output![0]!];
      mul.attribute = [
        o.AttributeProto.create({ name: 'group', i: channels, type: o.AttributeProto.AttributeType.INT }),
        o.AttributeProto.create({ name: 'kernel_shape', ints: [1, 1], type: o.AttributeProto.AttributeType.INTS }),
      ];
      removed.add(add);
      n0.affineAsDepthwise++;
    }
  }
  prune();

  // Constants no node reads any more (the unfolded weights) are dropped.
  const used = new Set((g.node ?? []).flatMap((n) => n.input ?? []));
  g.node = (g.node ?? []).filter((n) => n.opType !== 'Constant' || used.has(n.output?.[0] ?? ''));
  g.initializer = [...(g.initializer ?? []).filter((t) => used.has(t.name ?? '')), ...added.filter((t) => used.has(t.name ?? ''))];
  if (counts) Object.assign(counts, n0);
  return o.ModelProto.encode(model).finish();
}

/**
 * The rewritten model as a file in the per-user cache (written once, atomically; its name carries the shipped file's
 * size and time and the rewrite's version), else its bytes: building it takes ≈ 0.27 CPU-s (onnx-proto loaded, 4.7 MB
 * decoded and encoded), which each detector worker would otherwise pay at every reader's start.
 */
export function fusedDetectionModelFile(): string | Uint8Array {
  return fusedModelFile(detectionModelPath(), 'ppocr-det');
}

/**
 * The line recogniser (PP-OCRv4 rec: the same PPLCNetV3 backbone, hardswish with Clip's bounds as attributes) rewritten
 * the same way, cached the same way: 765 → 398 nodes, ≈ −25 % ONNX CPU a line (docs/benchmarks.md, feat/ver6).
 */
export function fusedRecognitionModelFile(): string | Uint8Array {
  return fusedModelFile(recognitionOnnxPath(), 'ppocr-rec');
}

function fusedModelFile(source: string, name: string): string | Uint8Array {
  const src = statSync(source);
  const dir = cacheDir();
  const file = path.join(dir, `${name}-fused-v${FUSE_VERSION}-${src.size}-${Math.round(src.mtimeMs)}.onnx`);
  if (existsSync(file)) return file;
  const bytes = fusedModel(source);
  try {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.partial`;
    writeFileSync(temp, bytes);
    renameSync(temp, file);
  } catch {
    // No cache (read-only home, full disk): the bytes serve this session.
  }
  return bytes;
}
