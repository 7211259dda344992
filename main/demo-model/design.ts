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

/** Shape colours, linear 0..1 RGB. Chosen to be far apart in RGB so every pair is separable. */
export const COLOUR_RGB: Record<ColourName, Rgb> = {
  red: [0.86, 0.12, 0.12],
  orange: [0.96, 0.52, 0.08],
  yellow: [0.97, 0.87, 0.14],
  green: [0.13, 0.66, 0.24],
  blue: [0.14, 0.33, 0.86],
  purple: [0.56, 0.2, 0.72],
  white: [0.98, 0.98, 0.98],
  black: [0.04, 0.04, 0.04],
};

/** Backgrounds: mid-light paper and a dark slate, so white and black shapes still show. */
export const BACKGROUND_RGB: Record<BackgroundName, Rgb> = {
  light: [0.8, 0.79, 0.74],
  dark: [0.17, 0.18, 0.22],
};

/** The refiner's late detail: an outline that contrasts with the background. */
export const OUTLINE_RGB: Record<BackgroundName, Rgb> = {
  light: [0.05, 0.05, 0.06],
  dark: [1, 1, 1],
};

/** Geometry at the 512 px design size; every scene is centred. */
export const GEOMETRY = {
  size: 512,
  circleRadius: 150,
  squareHalf: 130,
  triangleCircumradius: 175,
  starOuter: 180,
  starInner: 78,
  ringOuter: 160,
  ringInner: 96,
  crossHalfLength: 165,
  crossHalfWidth: 52,
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
export const PRIOR_STRENGTH = 10;
/** Hint → prior: log prior_i += CONTROL_STRENGTH · scale · NCC(hint, outline of shape_i). */
export const CONTROL_STRENGTH = 30;

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
