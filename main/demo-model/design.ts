/**
 * Everything the demo model is made of, in one place: the shapes, colours and backgrounds of the
 * scene set, their captions and vocabulary, and the few strengths that shape the posterior.
 * Changing any value here changes the built bytes (the build fingerprint hashes this object).
 */

export const SHAPES = ['circle', 'square', 'triangle', 'star', 'ring', 'cross'] as const;
export const COLOURS = [
  'red',
  'orange',
  'yellow',
  'green',
  'blue',
  'purple',
  'white',
  'black',
] as const;
export const BACKGROUNDS = ['light', 'dark'] as const;

export type ShapeName = (typeof SHAPES)[number];
export type ColourName = (typeof COLOURS)[number];
export type BackgroundName = (typeof BACKGROUNDS)[number];
export type Rgb = readonly [number, number, number];

/**
 * Shape colours, 0..1 RGB, far apart so every pair is separable. They were nudged (by ≤ 0.1)
 * so that all eight have the same latent norm (vae.ts, NULL_CHANNEL), and likewise the two
 * backgrounds. Why: SD's schedule never reaches zero signal (ᾱ_999 ≈ 0.0047), so from pure noise
 * the exact posterior favours scenes of small ‖x_i‖ by ᾱ‖x_i‖²/(2(1−ᾱ)) (Lin et al. 2024,
 * "Common Diffusion Noise Schedules and Sample Steps Are Flawed"). Equal norms (and equal shape
 * areas) keep that bias from deciding colour, shape or background when the prompt does not.
 */
export const COLOUR_RGB: Record<ColourName, Rgb> = {
  red: [0.81, 0.12, 0.11],
  orange: [0.98, 0.53, 0.08],
  yellow: [0.91, 0.82, 0.19],
  green: [0.14, 0.67, 0.28],
  blue: [0.13, 0.34, 0.91],
  purple: [0.56, 0.18, 0.73],
  white: [0.91, 0.96, 1],
  black: [0, 0.04, 0],
};

/** Backgrounds: light paper and a dark slate, so white and black shapes still show. */
export const BACKGROUND_RGB: Record<BackgroundName, Rgb> = {
  light: [0.81, 0.78, 0.76],
  dark: [0.14, 0.19, 0.23],
};

/** The refiner's late detail: an outline that contrasts with the background. */
export const OUTLINE_RGB: Record<BackgroundName, Rgb> = {
  light: [0.05, 0.05, 0.06],
  dark: [1, 1, 1],
};

/** Every shape covers this many px² of the 512×512 frame (see COLOUR_RGB for why equal). */
const AREA = 55_000;
/** Star inner/outer radius ratio; a 5-point star has area 5·R·r·sin 36°. */
const STAR_RATIO = 0.433;
const RING_WIDTH = 64;
const CROSS_HALF_WIDTH = 52;

/** Geometry at the 512 px design size; every scene is centred and every shape has area AREA. */
export const GEOMETRY = {
  size: 512,
  area: AREA,
  circleRadius: Math.sqrt(AREA / Math.PI),
  squareHalf: Math.sqrt(AREA) / 2,
  // Equilateral triangle: area = (3√3/4)·R².
  triangleCircumradius: Math.sqrt((4 * AREA) / (3 * Math.sqrt(3))),
  starOuter: Math.sqrt(AREA / (5 * STAR_RATIO * Math.sin(Math.PI / 5))),
  starInner: STAR_RATIO * Math.sqrt(AREA / (5 * STAR_RATIO * Math.sin(Math.PI / 5))),
  // Annulus of fixed width: π(R² − r²) = π·(R + r)·width.
  ringOuter: (AREA / (Math.PI * RING_WIDTH) + RING_WIDTH) / 2,
  ringInner: (AREA / (Math.PI * RING_WIDTH) - RING_WIDTH) / 2,
  // Plus sign: two 2L×2W bars overlapping in a 2W square: 8LW − 4W².
  crossHalfLength: (AREA + 4 * CROSS_HALF_WIDTH ** 2) / (8 * CROSS_HALF_WIDTH),
  crossHalfWidth: CROSS_HALF_WIDTH,
  /** Refiner outline: the band 0 ≤ sdf < outlinePx just outside each shape. */
  outlinePx: 10,
  /** ControlNet templates: Gaussian falloff (px) around each outline, for tolerant matching. */
  templateSigmaPx: 9,
} as const;

/** VAE spatial factor (SD: 2^(len(block_out_channels) − 1) = 8). */
export const VAE_FACTOR = 8;
/** Latent size of the scene set (512 / 8). */
export const LATENT_SIZE = GEOMETRY.size / VAE_FACTOR;
/** SD 1.x VAE scaling factor (diffusers AutoencoderKL default; hard-coded by legacy pipelines). */
export const SCALING_FACTOR = 0.18215;
/** DiagonalGaussianDistribution clamps logvar to [−30, 20]; −30 makes the encoder deterministic. */
export const ENCODER_LOGVAR = -30;

/** Text → prior: log prior_i = PRIOR_STRENGTH · Σ concept mass matching scene i. */
export const PRIOR_STRENGTH = 50;
/** Hint → prior: log prior_i += CONTROL_STRENGTH · scale · NCC(hint, outline of shape_i). */
export const CONTROL_STRENGTH = 100;

/** Hidden-state width of SD 1.x's CLIP ViT-L/14 text encoder. */
export const HIDDEN_SIZE = 768;
export const SEQUENCE_LENGTH = 77;

/** Concept slots, in hidden-state dimension order: shapes, colours, backgrounds. */
export const CONCEPTS: readonly string[] = [
  ...SHAPES.map((s) => `shape:${s}`),
  ...COLOURS.map((c) => `colour:${c}`),
  ...BACKGROUNDS.map((b) => `background:${b}`),
];

/**
 * Words (single CLIP tokens, `word</w>`) that carry each concept. Plain synonyms only; words
 * with another common meaning ("x", "oval", "teal") are left out.
 */
export const SYNONYMS: Record<string, readonly string[]> = {
  'shape:circle': ['circle', 'circles', 'round', 'disc', 'disk', 'dot', 'ball', 'orb', 'sphere'],
  'shape:square': ['square', 'squares', 'box', 'boxes', 'cube', 'block', 'tile'],
  'shape:triangle': ['triangle', 'pyramid', 'wedge'],
  'shape:star': ['star', 'stars', 'starry'],
  'shape:ring': ['ring', 'rings', 'donut', 'doughnut', 'hoop', 'loop', 'halo'],
  'shape:cross': ['cross', 'crosses', 'plus'],
  'colour:red': ['red', 'crimson', 'scarlet', 'ruby', 'cherry', 'maroon'],
  'colour:orange': ['orange', 'amber', 'tangerine', 'apricot'],
  'colour:yellow': ['yellow', 'gold', 'golden', 'lemon', 'mustard', 'canary'],
  'colour:green': ['green', 'emerald', 'lime', 'jade', 'olive'],
  'colour:blue': ['blue', 'navy', 'azure', 'cobalt', 'sapphire'],
  'colour:purple': ['purple', 'violet', 'magenta', 'lavender', 'lilac', 'plum'],
  'colour:white': ['white', 'ivory', 'snow', 'pearl', 'cream'],
  'colour:black': ['black', 'ebony', 'jet', 'onyx', 'charcoal', 'coal'],
  'background:light': ['light', 'bright', 'pale', 'sunny', 'lit'],
  'background:dark': ['dark', 'night', 'dim', 'gloomy'],
};

/** Nouns that turn the word before them into a background word ("black background"). */
export const BACKGROUND_NOUNS: readonly string[] = ['background', 'backdrop', 'bg', 'backgrounds'];

/** Before a background noun, these concepts name a background; any other colour names nothing. */
export const BACKGROUND_BEFORE_NOUN: Record<string, string> = {
  'colour:white': 'background:light',
  'colour:black': 'background:dark',
  'background:light': 'background:light',
  'background:dark': 'background:dark',
};

export interface SceneSpec {
  index: number;
  shape: ShapeName;
  colour: ColourName;
  background: BackgroundName;
  caption: string;
}

/** The 96 scenes in a fixed order: shape-major, then colour, then background. */
export function sceneSpecs(): SceneSpec[] {
  const out: SceneSpec[] = [];
  for (const shape of SHAPES) {
    for (const colour of COLOURS) {
      for (const background of BACKGROUNDS) {
        const caption = `a ${colour} ${shape} on a ${background} background`;
        out.push({ index: out.length, shape, colour, background, caption });
      }
    }
  }
  return out;
}
