import { createRequire } from 'node:module';
import type onnxProto from 'onnx-proto';

/**
 * A tiny builder for ONNX graphs written in code (the built-in model, and test models).
 * float32 tensors (float16 graph inputs, outputs and initializers too); opset 13 (ReduceMean takes `axes` as an
 * attribute there).
 */

/**
 * onnx-proto (protobufjs and the generated ONNX schema) costs ~0.15 CPU-s to load, and every `framewise` process
 * imports this module (through the built-in model) while only one that builds a model uses it: loaded on first use.
 */
let loaded: typeof onnxProto.onnx | undefined;
function proto(): typeof onnxProto.onnx {
  loaded ??= (createRequire(import.meta.url)('onnx-proto') as typeof onnxProto).onnx;
  return loaded;
}

export const OPSET = 13;
const FLOAT = () => proto().TensorProto.DataType.FLOAT;
const INT64 = () => proto().TensorProto.DataType.INT64;
const FLOAT16 = () => proto().TensorProto.DataType.FLOAT16;
const UINT8 = () => proto().TensorProto.DataType.UINT8;

export type Dim = number | string;
export type ElemType = 'float32' | 'float16' | 'uint8';
/** ONNX's TensorProto data type numbers, for a Cast node's `to`. */
export const DATA_TYPE = (type: ElemType): number => (type === 'float16' ? FLOAT16() : type === 'uint8' ? UINT8() : FLOAT());

export interface GraphSpec {
  name: string;
  inputs: Array<{ name: string; shape: Dim[]; type?: ElemType }>;
  outputs: Array<{ name: string; shape: Dim[]; type?: ElemType }>;
  nodes: onnxProto.onnx.INodeProto[];
  initializers: onnxProto.onnx.ITensorProto[];
  docString?: string;
  producer?: string;
  metadata?: Record<string, string>;
}

function valueInfo(name: string, shape: Dim[], type: ElemType = 'float32'): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE(type),
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A float32 initializer (constant weights). */
export function floatTensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: FLOAT(), floatData: values };
}

/** A float16 initializer: `bits` are the IEEE half-precision bit patterns (ONNX keeps them in int32_data). */
export function float16Tensor(name: string, dims: number[], bits: ArrayLike<number>): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: FLOAT16(), int32Data: Array.from(bits) };
}

/** An int64 initializer (shapes, axes, indices). */
export function int64Tensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: INT64(), int64Data: values };
}

/** Attribute values: integers and integer lists as INT(S), `{ float }`/`{ floats }` as FLOAT(S), strings as STRING. */
export type Attr = number | number[] | string | { float: number } | { floats: number[] };

/** One graph node. */
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, Attr> = {},
  name?: string,
): onnxProto.onnx.INodeProto {
  const A = proto().AttributeProto.AttributeType;
  const attribute: onnxProto.onnx.IAttributeProto[] = Object.entries(attrs).map(([key, v]) => {
    if (typeof v === 'string') return { name: key, type: A.STRING, s: new TextEncoder().encode(v) };
    if (typeof v === 'number') return { name: key, type: A.INT, i: v };
    if (Array.isArray(v)) return { name: key, type: A.INTS, ints: v };
    if ('float' in v) return { name: key, type: A.FLOAT, f: v.float };
    return { name: key, type: A.FLOATS, floats: v.floats };
  });
  return { opType, input: inputs, output: outputs, attribute, name: name ?? `${opType}_${outputs[0]}` };
}

/** Serialize a graph to .onnx bytes. */
export function buildModel(spec: GraphSpec): Uint8Array {
  const onnx = proto();
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: spec.producer ?? 'framewise',
    producerVersion: '1',
    docString: spec.docString ?? '',
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.name,
      node: spec.nodes,
      initializer: spec.initializers,
      input: spec.inputs.map((i) => valueInfo(i.name, i.shape, i.type)),
      output: spec.outputs.map((o) => valueInfo(o.name, o.shape, o.type)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
