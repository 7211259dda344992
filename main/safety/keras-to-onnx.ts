/**
 * Converts a Keras functional model (TF.js Layers format, see tfjs-model.ts) into an ONNX graph
 * with the project's GraphBuilder. It covers the layers of Keras MobileNetV2 classifiers, which
 * is what nsfwjs ships; any other layer or option is refused with its name rather than guessed.
 *
 * Layout: the graph takes NHWC float input like the Keras model, transposes once to NCHW (what
 * ONNX Conv expects) and keeps NCHW inside. Weight layouts (Keras → ONNX):
 *   Conv2D kernel [kh, kw, in, out]              → W [out, in, kh, kw]
 *   DepthwiseConv2D kernel [kh, kw, in, mult]     → W [in·mult, 1, kh, kw], group = in
 *     (output channel c·mult + m, as tf.nn.depthwise_conv2d orders them)
 *   Dense kernel [in, out]                        → MatMul with the same matrix
 * `padding: 'same'` follows TensorFlow: out = ceil(in / stride) and the extra padding goes to the
 * bottom/right (TF docs, "convolution" padding section). Dropout is the identity at inference.
 */
import { EmulsionError } from '../../common/errors.ts';
import { floatAttr, GraphBuilder, type Value } from '../onnx-builder/index.ts';
import type { KerasLayer, TfjsLayersModel, WeightTensor } from './tfjs-model.ts';

/** A layer's output: the ONNX value and its shape without the batch axis (C,H,W or features). */
interface Out {
  value: Value;
  shape: number[];
}

type Config = Record<string, unknown>;

export interface ConvertOptions {
  inputName?: string;
  outputName?: string;
}

function unsupported(layer: KerasLayer, what: string): EmulsionError {
  return new EmulsionError(
    'MODEL_CONTRACT',
    `Cannot convert Keras layer ${layer.name} (${layer.class_name}): ${what}.`,
  );
}

function pair(layer: KerasLayer, key: string, fallback?: [number, number]): [number, number] {
  const v = layer.config[key] ?? fallback;
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x))) {
    return [v[0] as number, v[1] as number];
  }
  throw unsupported(layer, `${key} ${JSON.stringify(v)} is not a pair of integers`);
}

/** TensorFlow SAME/VALID padding for one spatial axis: [before, after, outSize]. */
export function tfPadding(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  mode: string,
): [number, number, number] {
  const span = (kernel - 1) * dilation + 1;
  if (mode === 'valid') return [0, 0, Math.floor((size - span) / stride) + 1];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + span - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2), out];
}

class Converter {
  private readonly g: GraphBuilder;
  private readonly used = new Set<string>();

  constructor(
    private readonly model: TfjsLayersModel,
    name: string,
  ) {
    this.g = new GraphBuilder(name);
  }

  get builder(): GraphBuilder {
    return this.g;
  }

  unusedWeights(): string[] {
    return [...this.model.weights.keys()].filter((k) => !this.used.has(k));
  }

  weight(layer: KerasLayer, param: string, shape: number[]): WeightTensor {
    const key = `${layer.name}/${param}`;
    const w = this.model.weights.get(key);
    if (!w) throw unsupported(layer, `weight ${key} is missing from the manifest`);
    if (w.shape.join() !== shape.join()) {
      throw unsupported(layer, `weight ${key} has shape [${w.shape}], expected [${shape}]`);
    }
    this.used.add(key);
    return w;
  }

  input(layer: KerasLayer, name: string): Out {
    const shape = layer.config.batch_input_shape as (number | null)[] | undefined;
    if (!shape || shape.length !== 4 || shape.slice(1).some((d) => !Number.isInteger(d))) {
      throw unsupported(layer, 'only fixed-size NHWC image inputs are supported');
    }
    const [, h, w, c] = shape as number[];
    const x = this.g.input(name, 'float32', ['batch', h, w, c]);
    return { value: this.g.op('Transpose', [x], { perm: [0, 3, 1, 2] }), shape: [c, h, w] };
  }

  zeroPadding(layer: KerasLayer, x: Out): Out {
    const p = layer.config.padding;
    let rows: [number, number];
    let cols: [number, number];
    if (typeof p === 'number')
      [rows, cols] = [
        [p, p],
        [p, p],
      ];
    else if (Array.isArray(p) && p.every((v) => typeof v === 'number')) {
      [rows, cols] = [
        [p[0], p[0]],
        [p[1], p[1]],
      ];
    } else if (Array.isArray(p) && p.every((v) => Array.isArray(v) && v.length === 2)) {
      [rows, cols] = p as [[number, number], [number, number]];
    } else throw unsupported(layer, `padding ${JSON.stringify(p)}`);
    const pads = this.g.i64([0, 0, rows[0], cols[0], 0, 0, rows[1], cols[1]]);
    const [c, h, w] = x.shape;
    return {
      value: this.g.op('Pad', [x.value, pads], { mode: 'constant' }),
      shape: [c, h + rows[0] + rows[1], w + cols[0] + cols[1]],
    };
  }

  conv(layer: KerasLayer, x: Out, depthwise: boolean): Out {
    const cfg = layer.config;
    const [kh, kw] = pair(layer, 'kernel_size');
    const [sh, sw] = pair(layer, 'strides', [1, 1]);
    const [dh, dw] = pair(layer, 'dilation_rate', [1, 1]);
    const mode = cfg.padding as string;
    if (mode !== 'same' && mode !== 'valid') throw unsupported(layer, `padding ${mode}`);
    const [cin, h, w] = x.shape;
    const [pt, pb, oh] = tfPadding(h, kh, sh, dh, mode);
    const [pl, pr, ow] = tfPadding(w, kw, sw, dw, mode);
    let weights: Float32Array;
    let cout: number;
    if (depthwise) {
      const mult = (cfg.depth_multiplier as number | undefined) ?? 1;
      const k = this.weight(layer, 'depthwise_kernel', [kh, kw, cin, mult]).data;
      cout = cin * mult;
      weights = new Float32Array(cout * kh * kw);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          for (let c = 0; c < cin; c++)
            for (let m = 0; m < mult; m++) {
              weights[((c * mult + m) * kh + i) * kw + j] = k[((i * kw + j) * cin + c) * mult + m];
            }
    } else {
      cout = cfg.filters as number;
      const k = this.weight(layer, 'kernel', [kh, kw, cin, cout]).data;
      weights = new Float32Array(cout * cin * kh * kw);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          for (let c = 0; c < cin; c++)
            for (let o = 0; o < cout; o++) {
              weights[((o * cin + c) * kh + i) * kw + j] = k[((i * kw + j) * cin + c) * cout + o];
            }
    }
    const inputs: Value[] = [
      x.value,
      this.g.initializer(`${layer.name}.weight`, weights, [cout, depthwise ? 1 : cin, kh, kw]),
    ];
    if (cfg.use_bias) {
      const bias = this.weight(layer, 'bias', [cout]).data;
      inputs.push(this.g.initializer(`${layer.name}.bias`, bias, [cout]));
    }
    const y = this.g.op('Conv', inputs, {
      kernel_shape: [kh, kw],
      strides: [sh, sw],
      dilations: [dh, dw],
      pads: [pt, pl, pb, pr],
      group: depthwise ? cin : 1,
    });
    return this.activation(layer, { value: y, shape: [cout, oh, ow] });
  }

  batchNorm(layer: KerasLayer, x: Out): Out {
    const cfg = layer.config;
    const axis = cfg.axis as number | number[];
    const axisOk = axis === -1 || axis === 3 || (Array.isArray(axis) && [-1, 3].includes(axis[0]));
    if (!axisOk || x.shape.length !== 3) throw unsupported(layer, `axis ${JSON.stringify(axis)}`);
    const c = x.shape[0];
    const param = (name: string, on: unknown, fill: number) =>
      on === false ? new Float32Array(c).fill(fill) : this.weight(layer, name, [c]).data;
    const vec = (suffix: string, data: Float32Array) =>
      this.g.initializer(`${layer.name}.${suffix}`, data, [c]);
    const y = this.g.op(
      'BatchNormalization',
      [
        x.value,
        vec('gamma', param('gamma', cfg.scale, 1)),
        vec('beta', param('beta', cfg.center, 0)),
        vec('mean', this.weight(layer, 'moving_mean', [c]).data),
        vec('var', this.weight(layer, 'moving_variance', [c]).data),
      ],
      { epsilon: floatAttr((cfg.epsilon as number | undefined) ?? 0.001) },
    );
    return { value: y, shape: x.shape };
  }

  relu(layer: KerasLayer, x: Out): Out {
    const { max_value: max, negative_slope: slope, threshold } = layer.config;
    if ((slope ?? 0) !== 0 || (threshold ?? 0) !== 0) {
      throw unsupported(layer, 'only negative_slope 0 and threshold 0 are supported');
    }
    if (max === null || max === undefined) return { ...x, value: this.g.op('Relu', [x.value]) };
    const clip = this.g.op('Clip', [x.value, this.g.f32(0), this.g.f32(max as number)]);
    return { value: clip, shape: x.shape };
  }

  activation(layer: KerasLayer, x: Out): Out {
    const act = layer.config.activation ?? 'linear';
    if (act === 'linear') return x;
    if (act === 'relu') return { ...x, value: this.g.op('Relu', [x.value]) };
    if (act === 'softmax' && x.shape.length === 1) {
      return { ...x, value: this.g.op('Softmax', [x.value], { axis: -1 }) };
    }
    throw unsupported(layer, `activation ${String(act)}`);
  }

  avgPool(layer: KerasLayer, x: Out): Out {
    const [ph, pw] = pair(layer, 'pool_size');
    const [sh, sw] = pair(layer, 'strides', [ph, pw]);
    if (layer.config.padding !== 'valid')
      throw unsupported(layer, 'only valid padding is supported');
    const [c, h, w] = x.shape;
    const y = this.g.op('AveragePool', [x.value], { kernel_shape: [ph, pw], strides: [sh, sw] });
    return {
      value: y,
      shape: [c, Math.floor((h - ph) / sh) + 1, Math.floor((w - pw) / sw) + 1],
    };
  }

  flatten(x: Out): Out {
    if (x.shape.length === 1) return x;
    // Keras flattens channels-last: go back to NHWC first so the feature order matches.
    const nhwc = this.g.op('Transpose', [x.value], { perm: [0, 2, 3, 1] });
    const size = x.shape.reduce((a, b) => a * b, 1);
    return { value: this.g.op('Flatten', [nhwc], { axis: 1 }), shape: [size] };
  }

  dense(layer: KerasLayer, x: Out): Out {
    if (x.shape.length !== 1) throw unsupported(layer, 'input must be flat');
    const units = layer.config.units as number;
    const [n] = x.shape;
    const kernel = this.weight(layer, 'kernel', [n, units]).data;
    let y = this.g.op('MatMul', [
      x.value,
      this.g.initializer(`${layer.name}.kernel`, kernel, [n, units]),
    ]);
    if (layer.config.use_bias) {
      const bias = this.weight(layer, 'bias', [units]).data;
      y = this.g.op('Add', [y, this.g.initializer(`${layer.name}.bias`, bias, [units])]);
    }
    return this.activation(layer, { value: y, shape: [units] });
  }

  add(layer: KerasLayer, xs: Out[]): Out {
    if (xs.length < 2 || xs.some((x) => x.shape.join() !== xs[0].shape.join())) {
      throw unsupported(layer, 'Add needs two or more inputs of the same shape');
    }
    let acc = xs[0].value;
    for (const x of xs.slice(1)) acc = this.g.op('Add', [acc, x.value]);
    return { value: acc, shape: xs[0].shape };
  }

  layerOutput(layer: KerasLayer, inputs: Out[], inputName: string): Out {
    const one = () => {
      if (inputs.length !== 1) throw unsupported(layer, `expected one input, got ${inputs.length}`);
      return inputs[0];
    };
    const format = layer.config.data_format;
    if (format !== undefined && format !== 'channels_last') {
      throw unsupported(layer, `data_format ${String(format)}`);
    }
    switch (layer.class_name) {
      case 'InputLayer':
        return this.input(layer, inputName);
      case 'ZeroPadding2D':
        return this.zeroPadding(layer, one());
      case 'Conv2D':
        return this.conv(layer, one(), false);
      case 'DepthwiseConv2D':
        return this.conv(layer, one(), true);
      case 'BatchNormalization':
        return this.batchNorm(layer, one());
      case 'ReLU':
        return this.relu(layer, one());
      case 'Add':
        return this.add(layer, inputs);
      case 'AveragePooling2D':
        return this.avgPool(layer, one());
      case 'Flatten':
        return this.flatten(one());
      case 'Dense':
        return this.dense(layer, one());
      case 'Dropout':
        return one();
      default:
        throw unsupported(layer, 'this layer type is not supported');
    }
  }
}

/**
 * Builds the ONNX graph of a single-input, single-output Keras model. The graph input is
 * `images` [batch, H, W, C] float32 (same meaning as the Keras input) and the output is
 * `probabilities` [batch, classes] (the last layer's activation, softmax for classifiers).
 */
export function kerasToOnnx(model: TfjsLayersModel, options: ConvertOptions = {}): GraphBuilder {
  const inputName = options.inputName ?? 'images';
  const outputName = options.outputName ?? 'probabilities';
  if (model.inputLayers.length !== 1 || model.outputLayers.length !== 1) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `Keras model ${model.name} has ${model.inputLayers.length} inputs and ${model.outputLayers.length} outputs; expected one of each.`,
    );
  }
  const conv = new Converter(model, model.name);
  const outs = new Map<string, Out>();
  for (const layer of model.layers) {
    if (layer.inbound_nodes.length > 1) throw unsupported(layer, 'shared layers are not supported');
    const inputs = (layer.inbound_nodes[0] ?? []).map(([name, node, tensor]) => {
      const out = outs.get(name);
      if (!out || node !== 0 || tensor !== 0) {
        throw unsupported(
          layer,
          `input ${name}[${node}][${tensor}] is not an earlier layer's output`,
        );
      }
      return out;
    });
    outs.set(layer.name, conv.layerOutput(layer, inputs, inputName));
  }
  const last = outs.get(model.outputLayers[0])!;
  if (last.shape.length !== 1) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `Keras model ${model.name} does not end in a flat output.`,
    );
  }
  const unused = conv.unusedWeights();
  if (unused.length > 0) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `Keras model ${model.name}: weights ${unused.slice(0, 5).join(', ')} were not used by any layer.`,
    );
  }
  conv.builder.output(last.value, outputName, 'float32', ['batch', last.shape[0]]);
  return conv.builder;
}
