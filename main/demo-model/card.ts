/** The model cards (README.md) of the three demo folders. */
import {
  BACKGROUNDS,
  COLOURS,
  CONTROL_STRENGTH,
  PRIOR_STRENGTH,
  SCALING_FACTOR,
  SHAPES,
  SYNONYMS,
} from './design.ts';

const synonymTable = (): string =>
  Object.entries(SYNONYMS)
    .map(([concept, words]) => `| ${concept} | ${words.join(', ')} |`)
    .join('\n');

const HOW = `## How it works

This is a real text-to-image diffusion model in the Stable Diffusion 1.x ONNX layout, small
enough to build in a second. Its denoiser is exact rather than trained:

- **Scenes.** ${SHAPES.length * COLOURS.length * BACKGROUNDS.length} scenes are drawn in code at 512×512: one centred ${SHAPES.join(', ')}
  in ${COLOURS.join(', ')}, on a light or dark background.
- **VAE.** Linear, with SD's 8× factor and 4 latent channels. The encoder averages 8×8 blocks and
  maps RGB to 4 channels with the pseudo-inverse of SD 1.5's latent→RGB preview matrix, plus a
  direction the decoder ignores that gives every palette colour the same latent norm; the decoder
  applies the preview matrix and upsamples bilinearly, so SD 1.5 latent previews are exact.
  scaling_factor = ${SCALING_FACTOR}.
- **Text encoder.** CLIP token ids in, [B,77,768] out. Each caption word or plain synonym carries
  a unit concept vector; every other token (and the empty prompt) carries zeros.
- **UNet.** The minimum-mean-squared-error denoiser of the scene set under SD's forward process
  (scaled-linear betas 0.00085…0.012, 1000 steps): scene i gets weight
  ∝ π_i · N(x_t; √ᾱ_t·x_i, (1−ᾱ_t)I), computed as a log-space softmax; x̂₀ is the weighted mean
  and the UNet returns ε = (x_t − √ᾱ_t·x̂₀)/√(1−ᾱ_t). The prior is log π_i = ${PRIOR_STRENGTH} × (concept
  mass of scene i's shape, colour and background), uniform for the empty prompt.
- **Sizes.** Any latent size (any multiple of 8 px) and any batch: the scene masks are resized to
  the shorter side in the graph and centred, so a wide canvas gets a centred shape.
- **Timestep.** \`timestep\` is float32. Fractional timesteps (Euler, LMS, Heun) use σ(t) linearly
  interpolated in the 1000-entry σ table, as diffusers' EulerDiscreteScheduler does, and
  ᾱ = 1/(1+σ²); integer t gives ᾱ_t exactly.

Because the denoiser is exact, prompts, negative prompts, CFG, step counts, schedulers, img2img
strength, ControlNet and the refiner all change the output in measurable ways. With enough
steps every image converges to one of the drawn scenes.

SD's schedule never reaches pure noise (ᾱ_999 ≈ 0.0047), so from a random start the exact
posterior leans towards scenes with small latents. Equal shape areas and equal colour norms keep
that lean from choosing the shape, colour or background the prompt leaves open.

Known limitation: the posterior commits to one scene within the first steps, so with strong
guidance (CFG ≥ 5) the DPM2 and DPM2 a samplers, whose midpoint evaluations see the guided and
unguided predictions agree, sometimes land on a scene the prompt did not ask for. Euler, Heun,
LMS, DPM++, DDIM, PNDM, UniPC, DEIS, LCM and TCD follow the prompt.`;

const WHAT = `## What it can draw

Exactly ${SHAPES.length * COLOURS.length * BACKGROUNDS.length} pictures, and smooth blends of them on the way there:

- shapes: ${SHAPES.join(', ')} (centred, the same area each);
- colours: ${COLOURS.join(', ')};
- backgrounds: ${BACKGROUNDS.join(', ')}.

Anything else in a prompt (people, landscapes, styles) is ignored. It cannot move, scale or
combine shapes, and fine detail is limited by the 8×8 latent grid.`;

const WORDS = `## Words it understands

| concept | words |
|---|---|
${synonymTable()}

A colour word right before "background", "backdrop" or "bg" names the background: "white" and
"black" give light and dark; other colours there name nothing. Everything else is ignored.`;

const LICENCE = `## Licence

Built from the project's own code. tokenizer/vocab.json and merges.txt are OpenAI CLIP's BPE
vocabulary (MIT); see tokenizer/NOTICE.`;

export function baseCard(): string {
  return `# emulsion-shapes

A tiny, exact text-to-image diffusion model that ships with Emulsion, so the app can draw a real
image without downloading weights. Try "a red circle on a dark background", "a blue square",
"a golden star" or "a ring" (negative prompt "black").

${WHAT}

${HOW}

${WORDS}

## Files

| path | inputs | outputs |
|---|---|---|
| text_encoder/model.onnx | input_ids int64 [batch,sequence] | last_hidden_state f32 [batch,sequence,768], pooler_output f32 [batch,768] |
| unet/model.onnx (+ model.onnx_data) | sample f32 [batch,4,h,w], timestep f32 [] , encoder_hidden_states f32 [batch,sequence,768] | out_sample f32 [batch,4,h,w] |
| vae_encoder/model.onnx | sample f32 [batch,3,H,W] in [−1,1] | latent_parameters f32 [batch,8,H/8,W/8] (mean ‖ logvar, unscaled) |
| vae_decoder/model.onnx | latent_sample f32 [batch,4,h,w] (÷ scaling_factor) | sample f32 [batch,3,8h,8w] in ≈[−1,1] |
| controlnet/model.onnx (+ model.onnx.data) | as unet, but timestep f32 [batch], plus down_block_0..11_additional_residual and mid_block_additional_residual | out_sample |

controlnet/ holds the UNet that accepts ControlNet residuals (OnnxStack's "ControlNet UNet"
convention); the ControlNet itself is the sibling folder emulsion-shapes-controlnet. The refiner
is the sibling folder emulsion-shapes-refiner.

${LICENCE}
`;
}

export function refinerCard(): string {
  return `# emulsion-shapes-refiner

The refiner for emulsion-shapes: the same latent space, text encoder and VAE, but its scenes add
late detail, a thin outline just outside each shape (light on dark backgrounds, dark on light
ones). Hand it the base model's latents for the last steps (for example from 0.8) and it draws
the outline while keeping the shape, colour and background: by then the base latents sit close to
one scene, and the nearest outlined scene is the same composition.

Same layout and I/O as emulsion-shapes (without controlnet/); unet weights are in weights.pb.

${WHAT}

${HOW}

${WORDS}

${LICENCE}
`;
}

export function controlNetCard(): string {
  return `# emulsion-shapes-controlnet

A ControlNet for emulsion-shapes with the real SD 1.5 ControlNet interface (OnnxStack
convention): model.onnx (+ model.onnx.data).

| input | type |
|---|---|
| sample | f32 [batch,4,h,w] |
| timestep | f32 [batch] |
| encoder_hidden_states | f32 [batch,sequence,768] |
| controlnet_cond | f32 [batch,3,8h,8w], RGB in [0,1]: a white outline or scribble on black |
| conditioning_scale | f64 [1] |

Outputs: down_block_0..11_additional_residual ([batch,320,h,w] ×3, [batch,320,h/2,w/2],
[batch,640,h/2,w/2] ×2, [batch,640,h/4,w/4], [batch,1280,h/4,w/4] ×2, [batch,1280,h/8,w/8] ×3;
sizes round up) and mid_block_additional_residual [batch,1280,h/8,w/8].

The hint is compared with each shape's outline by normalised cross-correlation (NCC) after
8×8 pooling. The residuals carry a per-scene log-prior bonus ${CONTROL_STRENGTH} × scale × NCC, spread over
channels 0..95 of the 13 residuals. Feed them to emulsion-shapes/controlnet/model.onnx, which adds
them to its log prior: scale 0 changes nothing, and residuals of two units add.
`;
}
