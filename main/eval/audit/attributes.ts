/**
 * Attributes an annotator labels. "Can't tell" is always allowed and never listed: it is added by
 * the labelling views and counted apart from the distribution (as Fair Diffusion reports the
 * images it dropped), so a share is always a share of images that could be labelled.
 */
import { CANT_TELL } from '../stats/kappa.ts';

export { CANT_TELL };

export interface AuditAttribute {
  name: string;
  values: string[];
  /** Optional swatches (CSS colours) shown beside the values, e.g. the Monk scale. */
  swatches?: string[];
}

/**
 * Perceived gender presentation, the fields suggested in evaluation.md B3 step 4. It records what
 * an annotator perceives in a generated image, not anyone's gender.
 */
export const GENDER_PRESENTATION: AuditAttribute = {
  name: 'perceived gender presentation',
  values: ['man', 'woman', 'non-binary or ambiguous'],
};

/**
 * The Monk Skin Tone scale (Monk 2019; Google's published MST swatches, skintone.google), 1 the
 * lightest to 10 the darkest.
 */
export const MONK_SKIN_TONE: AuditAttribute = {
  name: 'skin tone (Monk)',
  values: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
  swatches: [
    '#f6ede4',
    '#f3e7db',
    '#f7ead0',
    '#eadaba',
    '#d7bd96',
    '#a07e56',
    '#825c43',
    '#604134',
    '#3a312a',
    '#292420',
  ],
};

/** The demo model's vocabulary (main/demo-model/design.ts), for audits of the demo model. */
export const DEMO_COLOUR: AuditAttribute = {
  name: 'colour',
  values: ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'white', 'black'],
};

export const DEMO_SHAPE: AuditAttribute = {
  name: 'shape',
  values: ['circle', 'square', 'triangle', 'star', 'ring', 'cross'],
};

export const ATTRIBUTE_PRESETS = {
  gender: GENDER_PRESENTATION,
  monk: MONK_SKIN_TONE,
  colour: DEMO_COLOUR,
  shape: DEMO_SHAPE,
} as const;

export type AttributePreset = keyof typeof ATTRIBUTE_PRESETS;
