/**
 * The ranking from A/B votes: Bradley–Terry ratings on the Elo scale with 95 % bootstrap
 * intervals, win rates per benchmark category, and agreement of automatic scores with the votes.
 */
import { useEffect } from 'react';
import { useEval } from './context.tsx';
import { withInterval } from './format.ts';

export function RankingView(props: { sessionDir: string }) {
  const ranking = useEval((s) => s.ranking);
  const error = useEval((s) => s.error);
  const load = useEval((s) => s.loadRanking);
  useEffect(() => {
    void load(props.sessionDir);
  }, [load, props.sessionDir]);
  if (!ranking)
    return (
      <section className="section" aria-label="Ranking">
        {error ?? 'Loading…'}
      </section>
    );
  const items = ranking.ratings.map((r) => r.item);
  const categories = [...new Set(ranking.winRates.map((w) => w.category))];
  return (
    <section className="section eval-ranking" aria-label="Ranking">
      <p className="hint">
        {ranking.votes} votes ({ranking.ties} ties, {ranking.skips} skipped). Overlapping intervals
        are no evidence of a difference.
      </p>
      <table aria-label="Ratings">
        <thead>
          <tr>
            <th>#</th>
            <th>Variant</th>
            <th>Rating [95% CI]</th>
            <th>W</th>
            <th>L</th>
            <th>T</th>
          </tr>
        </thead>
        <tbody>
          {ranking.ratings.map((r, i) => (
            <tr key={r.item}>
              <td>{i + 1}</td>
              <td>{ranking.labels?.[r.item] ?? r.item}</td>
              <td>
                {Math.round(r.elo)} [{Math.round(r.eloLow)}–{Math.round(r.eloHigh)}]
              </td>
              <td>{r.wins}</td>
              <td>{r.losses}</td>
              <td>{r.ties}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table aria-label="Win rate by category">
        <thead>
          <tr>
            <th>Category</th>
            {items.map((i) => (
              <th key={i}>{ranking.labels?.[i] ?? i}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {categories.map((c) => (
            <tr key={c}>
              <td>{c}</td>
              {items.map((item) => {
                const w = ranking.winRates.find((x) => x.category === c && x.item === item);
                return <td key={item}>{w ? withInterval(w.rate, w.low, w.high) : '–'}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {ranking.agreements.length > 0 ? (
        <table aria-label="Automatic scores">
          <thead>
            <tr>
              <th>Score</th>
              <th>Agrees with your votes [95% CI]</th>
              <th>n</th>
            </tr>
          </thead>
          <tbody>
            {ranking.agreements.map((a) => (
              <tr key={a.scorer}>
                <td>{a.scorer}</td>
                <td>{withInterval(a.rate, a.low, a.high)}</td>
                <td>{a.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hint">No automatic scores: supply a CLIP ONNX model for CLIPScore.</p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
