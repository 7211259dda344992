/**
 * Win rates per category (e.g. PartiPrompts category) for each item against all others:
 * rate = (wins + ties/2) / comparisons, ties counted as half a win as in the Bradley–Terry fit.
 * The interval is Wilson's with the half-integer success count, an approximation because a tie
 * is not a Bernoulli draw; it is honest about sample size, which is its job here.
 */
import type { Comparison } from './bradley-terry.ts';
import { wilsonInterval } from './wilson.ts';

export interface CategorisedComparison extends Comparison {
  category: string;
}

export interface WinRate {
  category: string;
  item: string;
  wins: number;
  losses: number;
  ties: number;
  comparisons: number;
  rate: number;
  low: number;
  high: number;
}

/** One row per (category, item) that took part in that category, plus an "all" row per item. */
export function winRatesByCategory(
  comparisons: readonly CategorisedComparison[],
  allLabel = 'all',
): WinRate[] {
  const rows = new Map<string, Omit<WinRate, 'rate' | 'low' | 'high'>>();
  const bump = (category: string, item: string, field: 'wins' | 'losses' | 'ties') => {
    const key = `${category}\u0000${item}`;
    const row = rows.get(key) ?? { category, item, wins: 0, losses: 0, ties: 0, comparisons: 0 };
    row[field]++;
    row.comparisons++;
    rows.set(key, row);
  };
  for (const c of comparisons) {
    for (const category of [c.category, allLabel]) {
      if (c.outcome === 'tie') {
        bump(category, c.a, 'ties');
        bump(category, c.b, 'ties');
      } else {
        bump(category, c.a, c.outcome === 'a' ? 'wins' : 'losses');
        bump(category, c.b, c.outcome === 'b' ? 'wins' : 'losses');
      }
    }
  }
  return [...rows.values()]
    .map((row) => {
      const interval = wilsonInterval(row.wins + row.ties / 2, row.comparisons);
      return { ...row, rate: interval.estimate, low: interval.low, high: interval.high };
    })
    .sort((x, y) =>
      x.category === y.category
        ? x.item.localeCompare(y.item)
        : x.category === allLabel
          ? -1
          : y.category === allLabel
            ? 1
            : x.category.localeCompare(y.category),
    );
}
