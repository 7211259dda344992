/**
 * The one place that loads onnx-proto. It is a CommonJS package, so plain Node ESM cannot take
 * the named export `onnx` (toolchain.md): import the default and destructure it.
 */
import pkg from 'onnx-proto';
import type { onnx as OnnxNamespace } from 'onnx-proto';

export const { onnx } = pkg;
export type { OnnxNamespace as O };
