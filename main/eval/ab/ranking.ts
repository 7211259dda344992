/**
 * Rankings from A/B votes: Bradley–Terry ratings with bootstrap intervals, win rates per
 * PartiPrompts category, and how often each automatic score agrees with the user's votes.
 */
import { benchmarkKey } from '../bench/run.ts';
import {
  bradleyTerryRatings,
  type Comparison,
  type Rating,
  type RatingOptions,
} from '../stats/bradley-terry.ts';
import {
  winRatesByCategory,
  type CategorisedComparison,
  type WinRate,
} from '../stats/win-rates.ts';
import { wilsonInterval } from '../stats/wilson.ts';
import type { AbVote } from './session.ts';

export function votesToComparisons(votes: readonly AbVote[]): CategorisedComparison[] {
  return votes
    .filter((v) => v.choice !== 'skip')
    .map((v) => ({
      a: v.left,
      b: v.right,
      outcome: v.choice === 'left' ? 'a' : v.choice === 'right' ? 'b' : 'tie',
      category: v.category,
    }));
}

export interface AbRanking {
  ratings: Rating[];
  winRates: WinRate[];
  votes: number;
  ties: number;
  skips: number;
}

export function rankVotes(
  variants: readonly string[],
  votes: readonly AbVote[],
  options: RatingOptions = {},
): AbRanking {
  const comparisons: Comparison[] = votesToComparisons(votes);
  return {
    ratings: bradleyTerryRatings(variants, comparisons, options),
    winRates: winRatesByCategory(votesToComparisons(votes)),
    votes: comparisons.length,
    ties: votes.filter((v) => v.choice === 'tie').length,
    skips: votes.filter((v) => v.choice === 'skip').length,
  };
}

export interface ScoreAgreement {
  scorer: string;
  /** Votes with a winner where the scorer also preferred one side. */
  n: number;
  agree: number;
  rate: number;
  low: number;
  high: number;
  /** Decisive votes the scorer could not decide (equal or missing scores). */
  undecided: number;
}

/**
 * The share of the user's decisive votes (left or right) where the scorer gives the chosen image
 * the higher score. Ties and skips are left out: a tie has no winner to agree with. This is the
 * pairwise accuracy of PickScore and HPS v2 (evaluation.md C1), measured on the user's own votes.
 */
export function scoreAgreement(
  scorer: string,
  votes: readonly AbVote[],
  scores: ReadonlyMap<string, number>,
): ScoreAgreement {
  let n = 0;
  let agree = 0;
  let undecided = 0;
  for (const v of votes) {
    if (v.choice !== 'left' && v.choice !== 'right') continue;
    const l = scores.get(benchmarkKey(v.left, v.promptId, v.seed));
    const r = scores.get(benchmarkKey(v.right, v.promptId, v.seed));
    if (l === undefined || r === undefined || l === r) {
      undecided++;
      continue;
    }
    n++;
    if (l > r === (v.choice === 'left')) agree++;
  }
  const w = wilsonInterval(agree, n);
  return { scorer, n, agree, rate: w.estimate, low: w.low, high: w.high, undecided };
}
