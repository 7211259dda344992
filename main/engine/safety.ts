/**
 * The engine's use of the safety filter (main/safety): one filter per policy, created on first
 * use, a prompt check before any model runs, and an image filter that every preview and final
 * image passes through (main/engine/pipeline/postprocess.ts). Policy `off` runs no layer at all.
 */
import type { SafetyPolicy, SafetyDecision } from '../../common/safety.ts';
import {
  createSafetyFilter,
  promptBlockedError,
  toSafetyDecision,
  type PromptDecision,
  type SafetyFilter,
  type SafetyFilterConfig,
} from '../safety/index.ts';
import { describeReason } from '../../common/safety.ts';
import type { ImageFilter } from './pipeline/postprocess.ts';

export interface JobSafety {
  filter?: ImageFilter;
  prompt?: SafetyDecision;
  warnings: string[];
}

export class SafetyGate {
  private readonly filters = new Map<SafetyPolicy, SafetyFilter>();

  constructor(private readonly config: SafetyFilterConfig = {}) {}

  /** The policy a job runs under when its request names none. */
  get defaultPolicy(): SafetyPolicy {
    const settings = this.config.settings as { policy?: SafetyPolicy } | undefined;
    return settings?.policy ?? 'blur';
  }

  private filterFor(policy: SafetyPolicy): SafetyFilter {
    let filter = this.filters.get(policy);
    if (!filter) {
      const base = (this.config.settings ?? {}) as Record<string, unknown>;
      filter = createSafetyFilter({ ...this.config, settings: { ...base, policy } });
      this.filters.set(policy, filter);
    }
    return filter;
  }

  /**
   * Checks the prompt before generation. Under `block` a flagged prompt throws SAFETY_BLOCKED
   * naming each term; under `warn` and `blur` it becomes a warning, and (blur) its images blur.
   */
  begin(policy: SafetyPolicy, prompt: string, negative: string): JobSafety {
    if (policy === 'off') return { warnings: [] };
    const filter = this.filterFor(policy);
    const decision: PromptDecision = filter.checkPrompt(prompt, negative);
    if (decision.action === 'block') throw promptBlockedError(decision);
    const warnings = decision.reasons.length
      ? [
          `The prompt matched the safety word lists: ${decision.reasons.map(describeReason).join('; ')}.`,
        ]
      : [];
    const image: ImageFilter = {
      async filterImage(rgb, width, height, context) {
        const d = await filter.filterImage(rgb, width, height, { ...context, prompt: decision });
        return { decision: toSafetyDecision(d), ...(d.rgb && d.rgb !== rgb ? { rgb: d.rgb } : {}) };
      },
    };
    return { filter: image, prompt: toSafetyDecision(decision), warnings };
  }

  async release(): Promise<void> {
    await Promise.all([...this.filters.values()].map((f) => f.release()));
    this.filters.clear();
  }
}
