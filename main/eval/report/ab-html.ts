/** The A/B ranking as a self-contained HTML page: ratings with intervals, win rates, score agreement. */
import type { AbRanking, ScoreAgreement } from '../ab/ranking.ts';
import { escapeHtml, withInterval } from './escape.ts';
import { REPORT_CSS } from './style.ts';

export function renderRankingReport(
  title: string,
  ranking: AbRanking,
  agreements: readonly ScoreAgreement[],
): string {
  const ratings = ranking.ratings
    .map(
      (r, i) =>
        `<tr><td class="num">${i + 1}</td><td>${escapeHtml(r.item)}</td><td class="num ci">${r.elo.toFixed(0)} [${(1000 + (400 * r.low) / Math.LN10).toFixed(0)}–${(1000 + (400 * r.high) / Math.LN10).toFixed(0)}]</td><td class="num">${r.wins}</td><td class="num">${r.losses}</td><td class="num">${r.ties}</td></tr>`,
    )
    .join('');
  const categories = [...new Set(ranking.winRates.map((w) => w.category))];
  const items = ranking.ratings.map((r) => r.item);
  const winRates = categories
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c)}</td>${items
          .map((item) => {
            const w = ranking.winRates.find((x) => x.category === c && x.item === item);
            return `<td class="num ci">${w ? `${withInterval(w.rate, w.low, w.high)} <span class="muted">n=${w.comparisons}</span>` : '–'}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  const agreement = agreements.length
    ? `<table><tr><th>automatic score</th><th>agrees with your votes [95% CI]</th><th>n</th><th>undecided</th></tr>${agreements
        .map(
          (a) =>
            `<tr><td>${escapeHtml(a.scorer)}</td><td class="num ci">${withInterval(a.rate, a.low, a.high)}</td><td class="num">${a.n}</td><td class="num">${a.undecided}</td></tr>`,
        )
        .join(
          '',
        )}</table><p class="muted">Share of your left/right votes where the score ranks your pick higher (ties and skips left out). 50% is chance.</p>`
    : '<p class="muted">No automatic scores: supply a CLIP ONNX model to compute CLIPScore.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<div class="precision">${ranking.votes} votes (${ranking.ties} ties, ${ranking.skips} skipped). Ratings are Bradley–Terry on the Elo scale with 95% bootstrap intervals; a tie counts half a win for each side. Overlapping intervals are not evidence of a difference.</div>
<h2>Ranking</h2><table id="ranking"><tr><th>#</th><th>variant</th><th>rating [95% CI]</th><th>wins</th><th>losses</th><th>ties</th></tr>${ratings}</table>
<h2>Win rate by category</h2><table><tr><th>category</th>${items.map((i) => `<th>${escapeHtml(i)}</th>`).join('')}</tr>${winRates}</table>
<h2>Automatic scores</h2>${agreement}
</body></html>
`;
}
