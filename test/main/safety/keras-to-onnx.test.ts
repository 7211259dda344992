import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { kerasToOnnx, tfPadding } from '../../../main/safety/keras-to-onnx.ts';
import {
  decodeWeights,
  type KerasLayer,
  type TfjsLayersModel,
} from '../../../main/safety/tfjs-model.ts';

describe('tfPadding', () => {
  it('pads SAME like TensorFlow, with the odd pixel at the end', () => {
    // in 224, kernel 3, stride 2: out = ceil(224 / 2) = 112; total = (112 − 1)·2 + 3 − 224 = 1.
    expect(tfPadding(224, 3, 2, 1, 'same')).toEqual([0, 1, 112]);
    // stride 1, kernel 3: total = 2, split evenly.
    expect(tfPadding(56, 3, 1, 1, 'same')).toEqual([1, 1, 56]);
  });

  it('does not pad VALID and floors the output size', () => {
    // (225 − 3) / 2 + 1 = 112.
    expect(tfPadding(225, 3, 2, 1, 'valid')).toEqual([0, 0, 112]);
  });
});

describe('decodeWeights', () => {
  it('dequantises uint8 weights as q · scale + min', () => {
    const spec = {
      name: 'w',
      shape: [3],
      dtype: 'float32',
      quantization: { dtype: 'uint8', min: -1, scale: 0.5 },
    };
    const out = decodeWeights([spec], new Uint8Array([0, 2, 5]), 'f');
    expect(Array.from(out.get('w')!.data)).toEqual([-1, 0, 1.5]);
  });

  it('reads plain float32 weights', () => {
    const bytes = new Uint8Array(new Float32Array([1.25, -2]).buffer);
    const out = decodeWeights([{ name: 'b', shape: [2], dtype: 'float32' }], bytes, 'f');
    expect(Array.from(out.get('b')!.data)).toEqual([1.25, -2]);
  });

  it('refuses shards whose size does not match the manifest', () => {
    expect(() =>
      decodeWeights([{ name: 'b', shape: [2], dtype: 'float32' }], new Uint8Array(12), 'f'),
    ).toThrow(/12 bytes but the manifest describes 8/);
  });
});

/** A two-layer Keras model written by hand: depthwise 3×3 conv (multiplier 2) on a 3×3×2 input. */
function tinyModel(extra: KerasLayer[] = []): TfjsLayersModel {
  const kernel = new Float32Array(3 * 3 * 2 * 2);
  // Keras depthwise kernel [kh, kw, in, mult]: channel 0 × multiplier 1 has weight 1 at the
  // centre tap; channel 1 × multiplier 0 has weight 1 at the top-left tap; the rest are 0.
  kernel[((1 * 3 + 1) * 2 + 0) * 2 + 1] = 1;
  kernel[((0 * 3 + 0) * 2 + 1) * 2 + 0] = 1;
  return {
    name: 'tiny',
    inputLayers: ['in'],
    outputLayers: [extra.length ? extra[extra.length - 1].name : 'flat'],
    layers: [
      {
        name: 'in',
        class_name: 'InputLayer',
        config: { batch_input_shape: [null, 3, 3, 2] },
        inbound_nodes: [],
      },
      {
        name: 'dw',
        class_name: 'DepthwiseConv2D',
        config: {
          kernel_size: [3, 3],
          strides: [1, 1],
          padding: 'valid',
          depth_multiplier: 2,
          use_bias: false,
        },
        inbound_nodes: [[['in', 0, 0, {}]]],
      },
      { name: 'flat', class_name: 'Flatten', config: {}, inbound_nodes: [[['dw', 0, 0, {}]]] },
      ...extra,
    ],
    weights: new Map([['dw/depthwise_kernel', { shape: [3, 3, 2, 2], data: kernel }]]),
  };
}

describe('kerasToOnnx', () => {
  it('orders depthwise output channels as in·multiplier + m, like TensorFlow', async () => {
    const bytes = kerasToOnnx(tinyModel()).toBytes({ opset: 17 });
    const session = await ort.InferenceSession.create(bytes);
    // NHWC input: channel 0 holds 1..9 row by row, channel 1 holds 10..90.
    const x = new Float32Array(18);
    for (let i = 0; i < 9; i++) [x[i * 2], x[i * 2 + 1]] = [i + 1, (i + 1) * 10];
    const out = await session.run({ images: new ort.Tensor('float32', x, [1, 3, 3, 2]) });
    // Output channels: c0·m0 = 0 (zero kernel), c0·m1 = centre of channel 0 = 5,
    // c1·m0 = top-left of channel 1 = 10, c1·m1 = 0.
    expect(Array.from(out.probabilities.data as Float32Array)).toEqual([0, 5, 10, 0]);
    await session.release();
  });

  it('refuses a layer type it does not know, naming the layer', () => {
    const model = tinyModel([
      { name: 'odd', class_name: 'LSTM', config: {}, inbound_nodes: [[['flat', 0, 0, {}]]] },
    ]);
    expect(() => kerasToOnnx(model)).toThrow(
      'Cannot convert Keras layer odd (LSTM): this layer type is not supported.',
    );
  });

  it('refuses a model whose manifest has weights no layer used', () => {
    const model = tinyModel();
    model.weights.set('ghost/kernel', { shape: [1], data: new Float32Array(1) });
    expect(() => kerasToOnnx(model)).toThrow(/ghost\/kernel were not used/);
  });
});
