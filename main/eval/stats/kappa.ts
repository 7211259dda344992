/**
 * Cohen's kappa for two annotators labelling the same items (Cohen 1960):
 *
 *   κ = (p_o − p_e) / (1 − p_e),  p_e = Σ_k p_A(k) · p_B(k)
 *
 * "Can't tell" needs a decision. By default it is one more category: two annotators who both say
 * "can't tell" agree, and one who says it while the other names a value disagree. With
 * `cantTell: 'exclude'` items where either annotator said it are dropped first (and counted), which
 * measures agreement only where both committed to a value.
 */
import { invalidArgument } from '../../../common/errors.ts';

export const CANT_TELL = "can't tell";

export interface KappaResult {
  kappa: number;
  /** Observed agreement p_o. */
  observed: number;
  /** Chance agreement p_e. */
  expected: number;
  /** Items compared. */
  n: number;
  /** Items dropped because an annotator said "can't tell" (only with `cantTell: 'exclude'`). */
  excluded: number;
  /**
   * Large-sample standard error under the alternative, sqrt(p_o(1 − p_o) / (n (1 − p_e)²))
   * (Cohen 1960, eq. 9); a rough guide, not exact for small n.
   */
  standardError: number;
  /** The confusion table, rows annotator A, columns annotator B, in `categories` order. */
  table: number[][];
  categories: string[];
}

export interface KappaOptions {
  cantTell?: 'category' | 'exclude';
  /** Category order for the table; defaults to the sorted union of seen labels. */
  categories?: readonly string[];
}

export function cohensKappa(
  pairs: readonly (readonly [string, string])[],
  options: KappaOptions = {},
): KappaResult {
  const mode = options.cantTell ?? 'category';
  if (mode !== 'category' && mode !== 'exclude')
    throw invalidArgument('cantTell', mode, ['category', 'exclude']);
  const kept =
    mode === 'exclude' ? pairs.filter(([a, b]) => a !== CANT_TELL && b !== CANT_TELL) : pairs;
  const seen = new Set<string>();
  for (const [a, b] of kept) seen.add(a).add(b);
  const categories = options.categories ? [...options.categories] : [...seen].sort();
  for (const label of seen)
    if (!categories.includes(label))
      throw invalidArgument('categories', categories, `a list including "${label}"`);
  const k = categories.length;
  const index = new Map(categories.map((c, i) => [c, i]));
  const table = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const [a, b] of kept) table[index.get(a)!][index.get(b)!]++;
  const n = kept.length;
  const excluded = pairs.length - n;
  if (n === 0)
    return {
      kappa: NaN,
      observed: NaN,
      expected: NaN,
      n,
      excluded,
      standardError: NaN,
      table,
      categories,
    };
  let agree = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    agree += table[i][i];
    const rowShare = table[i].reduce((s, x) => s + x, 0) / n;
    const colShare = table.reduce((s, row) => s + row[i], 0) / n;
    expected += rowShare * colShare;
  }
  const observed = agree / n;
  // Both annotators used one identical label everywhere: p_e = 1 and κ is undefined.
  const kappa = expected === 1 ? NaN : (observed - expected) / (1 - expected);
  const standardError =
    expected === 1 ? NaN : Math.sqrt((observed * (1 - observed)) / (n * (1 - expected) ** 2));
  return { kappa, observed, expected, n, excluded, standardError, table, categories };
}
