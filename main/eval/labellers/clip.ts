/**
 * Zero-shot labels from a user-supplied CLIP ONNX model (see ../clip/model.ts for the folder
 * layout). Each value of an attribute becomes a text prompt, by default "a photo of a {value}";
 * an attribute can carry its own prompts. HEIM and DALL-Eval use this for gender presentation
 * ("a photo of a male" / "a photo of a female", evaluation.md B1). CLIP's own biases are then part
 * of the label, which is why these are pre-labels for a human to confirm.
 *
 * With `minConfidence`, a top probability below it gives "can't tell".
 */
import type { ClipModel } from '../clip/model.ts';
import { zeroShotProbabilities } from '../clip/score.ts';
import { CANT_TELL, type AuditAttribute } from '../audit/attributes.ts';
import type { LabelGuess, Labeller } from './types.ts';

export interface ClipLabellerOptions {
  /** Prompt template per attribute name, `{value}` replaced; default "a photo of a {value}". */
  templates?: Record<string, string>;
  /** Explicit prompt per attribute and value, overriding the template. */
  prompts?: Record<string, Record<string, string>>;
  minConfidence?: number;
}

export const DEFAULT_CLIP_TEMPLATE = 'a photo of a {value}';

export function createClipLabeller(model: ClipModel, options: ClipLabellerOptions = {}): Labeller {
  const textCache = new Map<string, Float32Array>();
  const promptsFor = (attribute: AuditAttribute) =>
    attribute.values.map(
      (value) =>
        options.prompts?.[attribute.name]?.[value] ??
        (options.templates?.[attribute.name] ?? DEFAULT_CLIP_TEMPLATE).replaceAll('{value}', value),
    );
  const embed = async (texts: string[]) => {
    const missing = texts.filter((t) => !textCache.has(t));
    const vectors = await model.embedTexts(missing);
    missing.forEach((t, i) => textCache.set(t, vectors[i]));
    return texts.map((t) => textCache.get(t)!);
  };
  return {
    id: 'clip',
    description: `CLIP zero-shot (${model.folder})`,
    supports: () => true,
    async label(image, attributes) {
      const [embedding] = await model.embedImages([image]);
      const out: Record<string, LabelGuess> = {};
      for (const attribute of attributes) {
        const probs = zeroShotProbabilities(embedding, await embed(promptsFor(attribute)));
        let best = 0;
        for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
        const scores = Object.fromEntries(attribute.values.map((v, i) => [v, probs[i]]));
        const confident = probs[best] >= (options.minConfidence ?? 0);
        out[attribute.name] = {
          value: confident ? attribute.values[best] : CANT_TELL,
          confidence: probs[best],
          scores,
        };
      }
      return out;
    },
    dispose: () => model.release(),
  };
}
