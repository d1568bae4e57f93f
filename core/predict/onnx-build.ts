import onnxProto from 'onnx-proto';

/**
 * A tiny builder for ONNX graphs written in code (the built-in model, and test models).
 * Only float32 tensors; opset 13 (ReduceMean takes `axes` as an attribute there).
 */
const { onnx } = onnxProto;

export const OPSET = 13;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export type Dim = number | string;

export interface GraphSpec {
  name: string;
  inputs: Array<{ name: string; shape: Dim[] }>;
  outputs: Array<{ name: string; shape: Dim[] }>;
  nodes: onnxProto.onnx.INodeProto[];
  initializers: onnxProto.onnx.ITensorProto[];
  docString?: string;
  producer?: string;
  metadata?: Record<string, string>;
}

function valueInfo(name: string, shape: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A float32 initializer (constant weights). */
export function floatTensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, floatData: values };
}

/** An int64 initializer (shapes, axes, indices). */
export function int64Tensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: INT64, int64Data: values };
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
  const A = onnx.AttributeProto.AttributeType;
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
      input: spec.inputs.map((i) => valueInfo(i.name, i.shape)),
      output: spec.outputs.map((o) => valueInfo(o.name, o.shape)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
