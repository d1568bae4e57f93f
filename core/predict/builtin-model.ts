import { buildModel, DATA_TYPE, floatTensor, node } from './onnx-build.js';
import { parseManifest, type ModelManifest } from './manifest.js';
import type { GraphOptimization } from './inference-protocol.js';

/**
 * The built-in frame-quality model: a heuristic baseline computed entirely inside an ONNX graph built here
 * (no trained weights, nothing downloaded). Labels:
 * - `black`: mean luma below ~0.06 (of 1.0)
 * - `dark`: mean luma below ~0.22
 * - `overexposed`: more than ~30 % of pixels near white (luma > 0.92)
 * - `blurry`: low variance of the Laplacian of luma (little fine detail; also true of flat frames)
 * Each is a sigmoid of the distance to its cut-off, so scores are smooth in [0, 1].
 */
export const BUILTIN_MODEL_NAME = 'frame-quality';
/**
 * 1.1.0: the same graph behind a uint8 NHWC input (the frame's bytes as ffmpeg delivers them; the graph casts,
 * transposes and divides by 255), so the inference worker converts nothing. 1.0.0 took float NCHW in [0, 1];
 * both give the same scores (test/predict/builtin.test.ts).
 */
export const BUILTIN_MODEL_VERSION = '1.1.0';
/** The float-input version, kept buildable to prove the two agree. */
const FLOAT_INPUT_VERSION = '1.0.0';
const SIZE = 160;

/**
 * The graph's convolutions have one to three channels: ONNX Runtime's NCHWc layout transform (level 'all') pads
 * them to channel blocks and reorders every output, about 8x the work of the plain kernels (profiled: 80 % of the
 * session's time in the blocked convolutions and their ReorderOutput nodes). Same results, a fraction of the CPU.
 */
export const BUILTIN_GRAPH_OPTIMIZATION: GraphOptimization = 'extended';

/** Cut-offs (on luma in [0, 1]); the sigmoid slopes make the 0.1 → 0.9 transition narrow around each. */
export const builtinCutoffs = {
  black: { meanLuma: 0.06, slope: 60 },
  dark: { meanLuma: 0.22, slope: 30 },
  overexposed: { pixelLuma: 0.92, pixelSlope: 100, fraction: 0.3, slope: 20 },
  /** Laplacian variance (luma in [0,1], at 160x160) below which a frame counts as blurry; log-scale slope. */
  blurry: { variance: 0.0015, slope: 2.5 },
} as const;

export function builtinManifest(): ModelManifest {
  return parseManifest(
    {
      name: BUILTIN_MODEL_NAME,
      version: BUILTIN_MODEL_VERSION,
      file: `builtin-${BUILTIN_MODEL_NAME}-${BUILTIN_MODEL_VERSION}.onnx`,
      task: 'multilabel',
      labels: ['black', 'dark', 'overexposed', 'blurry'],
      input: {
        name: 'pixels',
        layout: 'NHWC',
        width: SIZE,
        height: SIZE,
        colorOrder: 'RGB',
        scale: 1,
        mean: [0, 0, 0],
        std: [1, 1, 1],
        resize: 'stretch',
      },
      output: { name: 'scores', activation: 'none' },
      thresholds: { default: 0.5 },
      smoothing: { windowSeconds: 1, minSegmentSeconds: 1 },
      description: 'Heuristic frame-quality baseline computed in the ONNX graph (no trained weights).',
    },
    'built-in frame-quality manifest',
  );
}

/**
 * Build the .onnx bytes of the built-in model. Deterministic: same bytes for the same version. `float32` builds
 * version 1.0.0 (float NCHW input in [0, 1]: byte / 255), for comparing the two.
 */
export function buildBuiltinModel(input: 'uint8' | 'float32' = 'uint8'): Uint8Array {
  const c = builtinCutoffs;
  const scalar = (name: string, v: number) => floatTensor(name, [], [v]);
  const version = input === 'uint8' ? BUILTIN_MODEL_VERSION : FLOAT_INPUT_VERSION;
  // uint8 [N,H,W,3] -> float [N,3,H,W] in [0, 1], what the worker used to compute in JavaScript.
  const fromBytes = [
    node('Cast', ['pixels'], ['pixels_f'], { to: DATA_TYPE('float32') }),
    node('Transpose', ['pixels_f'], ['pixels_nchw'], { perm: [0, 3, 1, 2] }),
    node('Div', ['pixels_nchw', 'byte_max'], ['unit']),
  ];
  const nodes = [
    ...(input === 'uint8' ? fromBytes : []),
    // Luma (BT.601 weights) as a 1x1 convolution: [N,3,H,W] -> [N,1,H,W].
    node('Conv', [input === 'uint8' ? 'unit' : 'pixels', 'w_luma'], ['luma']),
    node('ReduceMean', ['luma'], ['mean_luma'], { axes: [2, 3], keepdims: 0 }), // [N,1]
    // black = sigmoid((cut - mean) * slope)
    node('Sub', ['black_cut', 'mean_luma'], ['black_d']),
    node('Mul', ['black_d', 'black_k'], ['black_z']),
    node('Sigmoid', ['black_z'], ['black']),
    node('Sub', ['dark_cut', 'mean_luma'], ['dark_d']),
    node('Mul', ['dark_d', 'dark_k'], ['dark_z']),
    node('Sigmoid', ['dark_z'], ['dark']),
    // overexposed: soft fraction of near-white pixels, then sigmoid around the fraction cut-off.
    node('Sub', ['luma', 'over_pix_cut'], ['over_pd']),
    node('Mul', ['over_pd', 'over_pix_k'], ['over_pz']),
    node('Sigmoid', ['over_pz'], ['over_pix']),
    node('ReduceMean', ['over_pix'], ['over_frac'], { axes: [2, 3], keepdims: 0 }),
    node('Sub', ['over_frac', 'over_cut'], ['over_d']),
    node('Mul', ['over_d', 'over_k'], ['over_z']),
    node('Sigmoid', ['over_z'], ['overexposed']),
    // blurry: variance of the 3x3 Laplacian of luma; sigmoid of log distance below the cut-off.
    node('Conv', ['luma', 'w_lap'], ['lap']),
    node('ReduceMean', ['lap'], ['lap_m1'], { axes: [2, 3], keepdims: 0 }),
    node('Mul', ['lap', 'lap'], ['lap_sq']),
    node('ReduceMean', ['lap_sq'], ['lap_m2'], { axes: [2, 3], keepdims: 0 }),
    node('Mul', ['lap_m1', 'lap_m1'], ['lap_m1sq']),
    node('Sub', ['lap_m2', 'lap_m1sq'], ['lap_var0']),
    node('Relu', ['lap_var0'], ['lap_var1']),
    node('Add', ['lap_var1', 'eps'], ['lap_var']),
    node('Log', ['lap_var'], ['lap_logvar']),
    node('Sub', ['blur_logcut', 'lap_logvar'], ['blur_d']),
    node('Mul', ['blur_d', 'blur_k'], ['blur_z']),
    node('Sigmoid', ['blur_z'], ['blurry']),
    node('Concat', ['black', 'dark', 'overexposed', 'blurry'], ['scores'], { axis: 1 }),
  ];
  const initializers = [
    floatTensor('w_luma', [1, 3, 1, 1], [0.299, 0.587, 0.114]),
    floatTensor('w_lap', [1, 1, 3, 3], [0, 1, 0, 1, -4, 1, 0, 1, 0]),
    scalar('black_cut', c.black.meanLuma),
    scalar('black_k', c.black.slope),
    scalar('dark_cut', c.dark.meanLuma),
    scalar('dark_k', c.dark.slope),
    scalar('over_pix_cut', c.overexposed.pixelLuma),
    scalar('over_pix_k', c.overexposed.pixelSlope),
    scalar('over_cut', c.overexposed.fraction),
    scalar('over_k', c.overexposed.slope),
    scalar('eps', 1e-7),
    scalar('blur_logcut', Math.log(c.blurry.variance)),
    scalar('blur_k', c.blurry.slope),
    ...(input === 'uint8' ? [scalar('byte_max', 255)] : []),
  ];
  return buildModel({
    name: 'framewise_frame_quality',
    producer: 'framewise',
    docString: 'Framewise built-in frame-quality heuristic (black, dark, overexposed, blurry). Not a trained classifier.',
    metadata: { framewise_builtin: BUILTIN_MODEL_NAME, version },
    inputs: [
      input === 'uint8' ? { name: 'pixels', shape: ['N', SIZE, SIZE, 3], type: 'uint8' } : { name: 'pixels', shape: ['N', 3, SIZE, SIZE] },
    ],
    outputs: [{ name: 'scores', shape: ['N', 4] }],
    nodes,
    initializers,
  });
}
