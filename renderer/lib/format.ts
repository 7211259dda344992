/** "about 12 s left", "about 2 min left"; null before the first step gives a rate. */
export function formatEta(step: number, totalSteps: number, msPerStep: number): string | null {
  if (step <= 0 || !(msPerStep > 0)) return null;
  const ms = Math.max(0, totalSteps - step) * msPerStep;
  if (ms < 1000) return 'less than a second left';
  const s = Math.round(ms / 1000);
  if (s < 90) return `about ${s} s left`;
  return `about ${Math.round(s / 60)} min left`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatWeight(weight: number): string {
  return `×${weight.toFixed(2).replace(/\.?0+$/, '')}`;
}
