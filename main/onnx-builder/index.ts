/**
 * Public surface of the ONNX graph builder: GraphBuilder for graphs, saveModel for files with
 * optional external data, and the float16 helpers the engine reuses for fp16 models.
 */
export { GraphBuilder } from './graph.ts';
export type { Dim, InputRef, ModelOptions, OpOptions, Value, InitializerEntry } from './graph.ts';
export { floatAttr, floatsAttr, tensorAttr } from './attributes.ts';
export type { AttrValue, Attrs, FloatAttr, FloatsAttr, TensorAttr } from './attributes.ts';
export { DTYPES, dtypeOf, type DType, type TensorData } from './dtypes.ts';
export { saveModel, serializeModel, EXTERNAL_DATA_NAMES } from './save.ts';
export type { ExternalDataName, SaveOptions, SavedModel } from './save.ts';
export { float16ToFloat32, float32ToFloat16, float32BitsToHalf } from './fp16.ts';
