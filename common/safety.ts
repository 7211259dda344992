/**
 * The safety filter's shared vocabulary: policies, layers, the decision record that travels in
 * job events and image metadata, and the settings with a `reason` for every default so the
 * settings view can explain them. Pure data: no Node imports, safe for the renderer.
 *
 * Background for the defaults: docs/evaluation.md section A (the SD checker only knows sexual
 * concepts and leaks previews; nsfwjs is ~90 % top-1 on web photos; photo classifiers lose
 * accuracy on generated images).
 */

/** What happens to flagged content. `blur` is the default (evaluation.md A5). */
export const SAFETY_POLICIES = ['off', 'warn', 'blur', 'block'] as const;
export type SafetyPolicy = (typeof SAFETY_POLICIES)[number];

/** The action taken for one prompt or image. `pass` means nothing was flagged. */
export type SafetyAction = 'pass' | 'warn' | 'blur' | 'block';

/** Word-list categories of the prompt check, one file each in resources/safety/terms. */
export const PROMPT_CATEGORIES = ['sexual', 'violence-gore', 'self-harm', 'hate'] as const;
export type PromptCategory = (typeof PROMPT_CATEGORIES)[number];

/** nsfwjs's five classes, in the order of its softmax output (nsfwjs nsfw_classes.js). */
export const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];

/** The layers that can flag content. */
export type SafetyLayer = 'prompt' | 'classifier' | 'safety-checker';

/** A prompt term that matched, with where it sits in the text the user typed. */
export interface PromptReason {
  layer: 'prompt';
  category: PromptCategory;
  /** The list entry that matched, e.g. `nude`. */
  term: string;
  /** The original text that matched, e.g. `N.u.u.d.e`. */
  matched: string;
  /** UTF-16 offsets of `matched` in the prompt: prompt.slice(start, end) === matched. */
  start: number;
  end: number;
}

/**
 * One class score of an image layer compared with its threshold (flagged when score ≥ threshold).
 * The model's own checker only answers yes or no: its score is 1 or 0 with threshold 1.
 */
export interface ImageReason {
  layer: 'classifier' | 'safety-checker';
  /** An nsfwjs class, `nsfw_concept` for the model's own checker, or `error` when a layer failed. */
  class: NsfwClass | 'nsfw_concept' | 'error';
  score: number;
  /** The score at which this class flags; `null` when it never flags (Drawing, Neutral). */
  threshold: number | null;
  /** Set for `error`: why the layer could not run (the filter then fails closed). */
  message?: string;
}

export type SafetyReason = PromptReason | ImageReason;

/**
 * The record the engine stores with every image (metadata and job events) and logs. It never
 * holds image data. `reasons` are what flagged; `scores` are every score a layer produced, so a
 * user can see how close an unflagged image came.
 */
export interface SafetyDecision {
  policy: SafetyPolicy;
  action: SafetyAction;
  /** `preview` for live previews, `final` for decoded images, `prompt` for the prompt check. */
  kind: 'prompt' | 'preview' | 'final';
  reasons: SafetyReason[];
  scores: ImageReason[];
  /** True when the user revealed a blurred image and chose to keep the original. */
  revealed?: boolean;
}

/** A setting's value together with why it is the default, for the settings view. */
export interface Explained<T> {
  value: T;
  reason: string;
}

/** Per-class thresholds of the bundled classifier; `null` means the class never flags. */
export type ClassThresholds = Record<NsfwClass, number | null>;

export interface SafetySettings {
  policy: SafetyPolicy;
  /** Which prompt categories are checked. */
  promptCategories: Record<PromptCategory, boolean>;
  /** Optional folder of user word lists (`<category>.txt`) that extend or override the shipped ones. */
  userTermsDir?: string;
  classifier: {
    enabled: boolean;
    thresholds: ClassThresholds;
  };
  modelSafetyChecker: {
    /** Run the model's own safety_checker on final images when the model folder has one. */
    enabled: boolean;
    /** Also run it on every preview (slow: one CLIP ViT-L/14 pass per preview). */
    onPreviews: boolean;
  };
}

const CLASSIFIER_NOTE =
  'nsfwjs MobileNetV2 reports ~90 % top-1 accuracy on its own web-photo test set; ' +
  'photo-trained classifiers lose accuracy on generated images (evaluation.md A2), so ' +
  'measure yours with `emulsion safety-eval`.';

/** The defaults, each with the reason the settings view shows next to it. */
export const SAFETY_DEFAULTS = {
  policy: {
    value: 'blur',
    reason:
      'Blur shows that something was flagged and why, and keeps the image one click away. ' +
      'A black square (diffusers) hides the false positives that are common with the SD checker ' +
      '(2 of 6 harmless images in Olive’s sample); blocking outright would leave no way to recover them.',
  },
  promptCategories: {
    sexual: {
      value: true,
      reason:
        'Sexual content is what the shipped image layers detect, so the prompt list backs them up.',
    },
    'violence-gore': {
      value: true,
      reason:
        'No image layer detects violence or gore (the SD checker has only sexual concepts, ' +
        'Rando et al. 2022), so the prompt list is the only guard here.',
    },
    'self-harm': {
      value: true,
      reason: 'No image layer detects self-harm; the list holds explicit phrases only.',
    },
    hate: {
      value: true,
      reason:
        'No image layer detects hate symbols; the list holds slurs and explicit hate phrases only.',
    },
  },
  classifierEnabled: {
    value: true,
    reason:
      'The bundled classifier works offline with every model, including folders without a ' +
      'safety_checker, and is cheap enough to run on every preview.',
  },
  thresholds: {
    Drawing: { value: null, reason: 'Safe-for-work drawings; this class never flags.' },
    Neutral: { value: null, reason: 'Safe-for-work photos; this class never flags.' },
    Porn: {
      value: 0.5,
      reason: 'Above 0.5 Porn is more likely than all other classes together. ' + CLASSIFIER_NOTE,
    },
    Hentai: {
      value: 0.5,
      reason: 'Above 0.5 Hentai is more likely than all other classes together. ' + CLASSIFIER_NOTE,
    },
    Sexy: {
      value: 0.8,
      reason:
        'Sexy also covers swimwear and underwear, where false positives are common, so it ' +
        'must be clearly dominant before it flags. ' +
        CLASSIFIER_NOTE,
    },
  },
  modelSafetyCheckerEnabled: {
    value: true,
    reason:
      'When a model ships its own safety_checker, its authors meant it to run; it adds a ' +
      'second opinion on sexual content for final images.',
  },
  modelSafetyCheckerOnPreviews: {
    value: false,
    reason:
      'The checker is a CLIP ViT-L/14 pass (~1 s per image, InvokeAI docs): per preview it would ' +
      'stall generation. Previews are still checked by the bundled classifier before they are shown.',
  },
} as const satisfies {
  policy: Explained<SafetyPolicy>;
  promptCategories: Record<PromptCategory, Explained<boolean>>;
  classifierEnabled: Explained<boolean>;
  thresholds: Record<NsfwClass, Explained<number | null>>;
  modelSafetyCheckerEnabled: Explained<boolean>;
  modelSafetyCheckerOnPreviews: Explained<boolean>;
};

/** The default settings as plain values. */
export function defaultSafetySettings(): SafetySettings {
  const d = SAFETY_DEFAULTS;
  const thresholds = {} as ClassThresholds;
  for (const c of NSFW_CLASSES) thresholds[c] = d.thresholds[c].value;
  const promptCategories = {} as Record<PromptCategory, boolean>;
  for (const c of PROMPT_CATEGORIES) promptCategories[c] = d.promptCategories[c].value;
  return {
    policy: d.policy.value,
    promptCategories,
    classifier: { enabled: d.classifierEnabled.value, thresholds },
    modelSafetyChecker: {
      enabled: d.modelSafetyCheckerEnabled.value,
      onPreviews: d.modelSafetyCheckerOnPreviews.value,
    },
  };
}

/** One line for people: `prompt: "N.u.d.e" matched "nude" (sexual)` or `classifier: Porn 0.91 ≥ 0.5`. */
export function describeReason(reason: SafetyReason): string {
  if (reason.layer === 'prompt') {
    return `prompt: "${reason.matched}" matched "${reason.term}" (${reason.category})`;
  }
  if (reason.class === 'error') return `${reason.layer}: could not run (${reason.message ?? ''})`;
  if (reason.layer === 'safety-checker')
    return 'safety-checker: the model’s own checker flagged it';
  const compare = reason.threshold === null ? '' : ` ≥ ${reason.threshold}`;
  return `classifier: ${reason.class} ${reason.score.toFixed(2)}${compare}`;
}
