/** Number formatting for the evaluation views: a share always travels with its interval. */
export function percent(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–';
}

export function withInterval(value: number, low: number, high: number): string {
  return Number.isFinite(value)
    ? `${percent(value)} [${Math.round(low * 100)}–${percent(high)}]`
    : '–';
}
