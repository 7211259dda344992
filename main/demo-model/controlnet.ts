/**
 * The ControlNet, with SD 1.5 ControlNet I/O in the OnnxStack convention (onnx-contract.md §3):
 * sample [B,4,h,w], timestep [B] f32, encoder_hidden_states [B,S,768], controlnet_cond
 * [B,3,8h,8w] in [0,1], conditioning_scale f64 [1] → down_block_0..11_additional_residual and
 * mid_block_additional_residual.
 *
 * It scores the hint against each shape's outline: the hint (white lines on black, as canny,
 * HED and scribble preprocessors give) is averaged over RGB, pooled 8×8, and compared with the
 * soft outline template of each shape by normalised cross-correlation (NCC ∈ [−1,1]). The
 * per-scene log-prior bonus b_i = CONTROL_STRENGTH · scale · NCC(shape_i) is what the residuals
 * carry: every residual holds b/13 in channels 0..N−1, constant over space, and zeros elsewhere.
 * The ControlNet UNet adds the spatial means of channels 0..N−1 over all 13 residuals to its
 * log prior. So scale 0 gives zero residuals, residuals scale linearly, and two units' residuals
 * add, multiplying their evidence (a product of experts) as summed residuals do in a real UNet.
 * sample, timestep and encoder_hidden_states only fix the batch and sizes.
 */
import { GraphBuilder, type Value } from '../onnx-builder/index.ts';
import { CONTROL_STRENGTH, HIDDEN_SIZE, SHAPES, VAE_FACTOR } from './design.ts';
import type { SceneSet } from './dataset.ts';
import { fitMasks, latentSize, maskInitializer } from './graph-parts.ts';
import { RESIDUALS } from './residuals.ts';
import { shapeMasks } from './scenes.ts';

/** Keeps NCC finite for a blank hint (which then scores 0 for every shape). */
const NCC_EPS = 1e-6;

function centredFlat(g: GraphBuilder, x: Value, rows: Value): Value {
  const flat = g.op('Reshape', [x, g.op('Concat', [rows, g.i64([-1])], { axis: 0 })]);
  return g.op('Sub', [flat, g.op('ReduceMean', [flat], { axes: [1], keepdims: 1 })]);
}

export function buildControlNet(set: SceneSet): GraphBuilder {
  const n = set.specs.length;
  const shapes = SHAPES.length;
  const g = new GraphBuilder('emulsion_shapes_controlnet');
  const sample = g.input('sample', 'float32', ['batch', 4, 'latent_height', 'latent_width']);
  g.input('timestep', 'float32', ['batch']);
  g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', HIDDEN_SIZE]);
  const cond = g.input('controlnet_cond', 'float32', ['batch', 3, 'height', 'width']);
  const scale = g.input('conditioning_scale', 'double', [1]);

  const size = latentSize(g, sample);
  const hint = g.op('ReduceMean', [cond], { axes: [1], keepdims: 1 });
  const pooled = g.op('AveragePool', [hint], {
    kernel_shape: [VAE_FACTOR, VAE_FACTOR],
    strides: [VAE_FACTOR, VAE_FACTOR],
  });
  const templates = fitMasks(
    g,
    maskInitializer(g, 'control.templates', shapeMasks('template')),
    shapes,
    size,
  );
  const h = centredFlat(g, pooled, size.batch);
  const t = centredFlat(g, templates, g.i64([shapes]));
  const dot = g.op('MatMul', [h, g.op('Transpose', [t], { perm: [1, 0] })]);
  const norm = (v: Value, keep: number) =>
    g.op('Sqrt', [g.op('ReduceSumSquare', [v], { axes: [1], keepdims: keep })]);
  const denom = g.op('Add', [g.op('Mul', [norm(h, 1), norm(t, 0)]), g.f32(NCC_EPS)]);
  const ncc = g.op('Div', [dot, denom]); // [B, 6]

  // Per-scene bonus [B,N], split evenly over the 13 residuals.
  const byShape = new Float32Array(shapes * n);
  set.shapeIndex.forEach(
    (s, i) => (byShape[Number(s) * n + i] = CONTROL_STRENGTH / RESIDUALS.length),
  );
  const perScene = g.op('MatMul', [
    ncc,
    g.initializer('control.shape_to_scene', byShape, [shapes, n]),
  ]);
  const bonus = g.op('Mul', [perScene, g.op('Cast', [scale], { to: 1 })]);
  const bonus4 = g.op('Unsqueeze', [bonus, g.i64([2, 3])]);

  const levels = [size];
  for (let l = 1; l <= 3; l++) {
    const prev = levels[l - 1];
    const half = (v: Value) => g.op('Div', [g.op('Add', [v, g.i64([1])]), g.i64([2])]);
    levels.push({ batch: size.batch, height: half(prev.height), width: half(prev.width) });
  }
  for (const r of RESIDUALS) {
    const lv = levels[r.level];
    const shape = g.op('Concat', [size.batch, g.i64([n]), lv.height, lv.width], { axis: 0 });
    const head = g.op('Expand', [bonus4, shape]);
    const res = g.op('Pad', [head, g.i64([0, 0, 0, 0, 0, r.channels - n, 0, 0])], {
      mode: 'constant',
    });
    g.output(res, r.name, 'float32', ['batch', r.channels, r.heightDim, r.widthDim]);
  }
  return g;
}
