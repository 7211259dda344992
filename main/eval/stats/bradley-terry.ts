/**
 * Bradley–Terry ratings from pairwise votes, fitted by the MM algorithm of Hunter (2004),
 * "MM algorithms for generalized Bradley–Terry models", Ann. Statist. 32(1), eq. (3):
 *
 *   γ_i ← W_i / Σ_{j≠i} N_ij / (γ_i + γ_j)
 *
 * with W_i the wins of i and N_ij the comparisons between i and j, renormalised each sweep so the
 * log-strengths have mean 0 (the model fixes only ratios). P(i beats j) = γ_i / (γ_i + γ_j).
 *
 * Ties count as half a win for each side and one comparison. That keeps the model and the MM
 * update unchanged (a tie contributes the average of the two outcomes' log-likelihoods); the
 * Rao–Kupper and Davidson models instead add a tie parameter. Half-wins are what Elo and the
 * Chatbot Arena do, and they match the win rate (wins + ties/2)/n reported beside the ratings.
 *
 * `prior` adds that many virtual ties between every pair of items: a weak symmetric pseudo-count
 * that keeps the estimate finite when an item never won or never lost (the MLE then does not
 * exist; Hunter's Assumption 1) and links items never compared directly. 0 gives the plain MLE.
 */
import { EmulsionError, invalidArgument } from '../../../common/errors.ts';
import { createUniform } from '../random.ts';
import { quantile } from './bootstrap.ts';

export type Outcome = 'a' | 'b' | 'tie';

export interface Comparison {
  a: string;
  b: string;
  outcome: Outcome;
}

export interface BradleyTerryOptions {
  prior?: number;
  maxIterations?: number;
  /** Stop when no log-strength moves more than this in a sweep. */
  tolerance?: number;
}

export interface BradleyTerryFit {
  items: string[];
  /** ln γ, mean 0. */
  logStrength: number[];
  iterations: number;
  converged: boolean;
}

const DEFAULT_PRIOR = 0.5;

function tally(items: readonly string[], comparisons: readonly Comparison[], prior: number) {
  const index = new Map(items.map((item, i) => [item, i]));
  const k = items.length;
  const wins = new Float64Array(k);
  const counts = Array.from({ length: k }, () => new Float64Array(k));
  for (const c of comparisons) {
    const i = index.get(c.a);
    const j = index.get(c.b);
    if (i === undefined || j === undefined || i === j)
      throw invalidArgument('comparison', c, 'two different items from the item list');
    if (c.outcome === 'a') wins[i] += 1;
    else if (c.outcome === 'b') wins[j] += 1;
    else if (c.outcome === 'tie') {
      wins[i] += 0.5;
      wins[j] += 0.5;
    } else throw invalidArgument('outcome', c.outcome, ['a', 'b', 'tie']);
    counts[i][j] += 1;
    counts[j][i] += 1;
  }
  if (prior > 0) {
    for (let i = 0; i < k; i++) {
      wins[i] += (prior * (k - 1)) / 2;
      for (let j = 0; j < k; j++) if (i !== j) counts[i][j] += prior;
    }
  }
  return { wins, counts };
}

/**
 * Hunter's Assumption 1 for the plain MLE: the "i beat j at least once" graph (a tie is an edge
 * both ways) must be strongly connected. Checked by reachability from item 0 both ways.
 */
function stronglyConnected(items: readonly string[], comparisons: readonly Comparison[]): boolean {
  const k = items.length;
  const index = new Map(items.map((item, i) => [item, i]));
  const forward = Array.from({ length: k }, () => new Set<number>());
  const backward = Array.from({ length: k }, () => new Set<number>());
  const edge = (w: number, l: number) => {
    forward[w].add(l);
    backward[l].add(w);
  };
  for (const c of comparisons) {
    const i = index.get(c.a)!;
    const j = index.get(c.b)!;
    if (c.outcome !== 'b') edge(i, j);
    if (c.outcome !== 'a') edge(j, i);
  }
  const reach = (adj: Set<number>[]) => {
    const seen = new Set([0]);
    const stack = [0];
    while (stack.length > 0) {
      for (const n of adj[stack.pop()!]) {
        if (seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return seen.size === k;
  };
  return reach(forward) && reach(backward);
}

export function fitBradleyTerry(
  items: readonly string[],
  comparisons: readonly Comparison[],
  options: BradleyTerryOptions = {},
): BradleyTerryFit {
  const prior = options.prior ?? DEFAULT_PRIOR;
  const maxIterations = options.maxIterations ?? 10_000;
  const tolerance = options.tolerance ?? 1e-10;
  if (!(prior >= 0)) throw invalidArgument('prior', prior, 'a number ≥ 0');
  if (new Set(items).size !== items.length || items.length < 2)
    throw invalidArgument('items', items, 'at least two distinct item names');
  const k = items.length;
  const { wins, counts } = tally(items, comparisons, prior);
  if (prior === 0 && !stronglyConnected(items, comparisons))
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      'Bradley–Terry: with `prior` 0 every item must have beaten and lost to the others through ' +
        'some chain of votes (Hunter 2004, Assumption 1); add votes or use a positive prior.',
      { field: 'prior', received: 0, allowed: 'a positive number for these votes' },
    );
  let gamma = new Float64Array(k).fill(1);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let denom = 0;
      for (let j = 0; j < k; j++)
        if (j !== i && counts[i][j] > 0) denom += counts[i][j] / (gamma[i] + gamma[j]);
      next[i] = denom > 0 ? wins[i] / denom : gamma[i];
    }
    // Renormalise to geometric mean 1 so the numbers stay in range.
    const meanLog = next.reduce((s, g) => s + Math.log(g), 0) / k;
    let change = 0;
    for (let i = 0; i < k; i++) {
      const g = Math.exp(Math.log(next[i]) - meanLog);
      change = Math.max(change, Math.abs(Math.log(g) - Math.log(gamma[i])));
      next[i] = g;
    }
    gamma = next;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  return {
    items: [...items],
    logStrength: Array.from(gamma, (g) => Math.log(g)),
    iterations,
    converged,
  };
}

/** P(a beats b) under a fit. */
export function winProbability(fit: BradleyTerryFit, a: string, b: string): number {
  const i = fit.items.indexOf(a);
  const j = fit.items.indexOf(b);
  if (i < 0 || j < 0) throw invalidArgument('item', i < 0 ? a : b, fit.items);
  return 1 / (1 + Math.exp(fit.logStrength[j] - fit.logStrength[i]));
}

export interface Rating {
  item: string;
  logStrength: number;
  /** On the chess Elo scale: 1000 + 400 · log10 γ. */
  elo: number;
  /** Percentile bootstrap interval of logStrength. */
  low: number;
  high: number;
  wins: number;
  losses: number;
  ties: number;
  comparisons: number;
}

export interface RatingOptions extends BradleyTerryOptions {
  iterations?: number;
  seed?: number;
  level?: number;
}

/**
 * Ratings with percentile bootstrap intervals: resample the votes with replacement and refit
 * (each resample keeps the same prior, so it always has a finite fit). Sorted best first.
 */
export function bradleyTerryRatings(
  items: readonly string[],
  comparisons: readonly Comparison[],
  options: RatingOptions = {},
): Rating[] {
  const iterations = options.iterations ?? 500;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(iterations) || iterations < 10)
    throw invalidArgument('iterations', iterations, 'an integer of at least 10');
  const prior = options.prior ?? DEFAULT_PRIOR;
  // A resample can leave an item without a win, where the plain MLE does not exist.
  if (!(prior > 0))
    throw invalidArgument('prior', prior, 'a positive number for bootstrap intervals');
  const fit = fitBradleyTerry(items, comparisons, { ...options, prior });
  const rng = createUniform(options.seed ?? 1);
  const samples = items.map(() => new Float64Array(iterations));
  const resample: Comparison[] = new Array(comparisons.length);
  const fitOptions = { ...options, prior, tolerance: 1e-7 };
  for (let b = 0; b < iterations; b++) {
    for (let n = 0; n < comparisons.length; n++)
      resample[n] = comparisons[rng.int(comparisons.length)];
    const boot = comparisons.length === 0 ? fit : fitBradleyTerry(items, resample, fitOptions);
    boot.logStrength.forEach((s, i) => (samples[i][b] = s));
  }
  const alpha = (1 - level) / 2;
  return items
    .map((item, i) => {
      const record = { wins: 0, losses: 0, ties: 0, comparisons: 0 };
      for (const c of comparisons) {
        if (c.a !== item && c.b !== item) continue;
        record.comparisons++;
        if (c.outcome === 'tie') record.ties++;
        else if ((c.outcome === 'a') === (c.a === item)) record.wins++;
        else record.losses++;
      }
      return {
        item,
        logStrength: fit.logStrength[i],
        elo: 1000 + (400 * fit.logStrength[i]) / Math.LN10,
        low: quantile(samples[i], alpha),
        high: quantile(samples[i], 1 - alpha),
        ...record,
      };
    })
    .sort((x, y) => y.logStrength - x.logStrength);
}
