/**
 * The labeller plug-in interface: automatic pre-labels for an audit's attributes. Pre-labels are
 * machine labels, stored apart from human ones (prelabels/<id>.jsonl) and always shown as such;
 * the audit report compares them with each human annotator.
 */
import type { AuditAttribute } from '../audit/attributes.ts';

export interface LabelGuess {
  /** One of the attribute's values, or "can't tell". */
  value: string;
  /** In [0, 1]: a share of pixels for the demo labeller, a softmax probability for CLIP. */
  confidence: number;
  /** Per-value scores where the labeller has them. */
  scores?: Record<string, number>;
}

export interface Labeller {
  /** Stable id, used as the prelabels file name: letters, digits, '-' and '_'. */
  readonly id: string;
  readonly description: string;
  /** Whether this labeller can label the attribute (by name and values). */
  supports(attribute: AuditAttribute): boolean;
  /** Labels one image for each supported attribute among `attributes`. */
  label(
    image: Uint8Array,
    attributes: readonly AuditAttribute[],
  ): Promise<Record<string, LabelGuess>>;
  dispose?(): Promise<void>;
}
