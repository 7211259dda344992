/**
 * Blind A/B judging over a benchmark's images (evaluation.md C3, C4): each pair shows two variants'
 * images for the same prompt and seed, sides randomised, and takes left / right / tie / skip.
 *
 * The folder holds session.json and votes.jsonl (one fsynced line per vote). Pair order and sides
 * derive from the session seed, so after a restart the same pairs come in the same order with the
 * same sides, and judging continues at the first pair without a vote. Skipped pairs are recorded
 * and not shown again; they count for nothing.
 */
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../../common/errors.ts';
import { readBenchmark, readBenchmarkImages, benchmarkKey } from '../bench/run.ts';
import { createUniform, hashSeed, shuffled } from '../random.ts';
import { canonicalJson } from '../audit/store.ts';
import { readJsonFile, writeFileAtomic } from '../store/files.ts';
import { Journal, readJournal } from '../store/journal.ts';

export const AB_CHOICES = ['left', 'right', 'tie', 'skip'] as const;
export type AbChoice = (typeof AB_CHOICES)[number];

export interface AbSessionSpec {
  version: 1;
  /** The benchmark folder, absolute or relative to the session folder. */
  benchmark: string;
  /** Variants to compare (two or more); all pairs of them are judged. */
  variants: string[];
  seed: number;
  annotator: string;
}

export interface AbPair {
  id: string;
  promptId: number;
  seed: number;
  prompt: string;
  category: string;
  challenge: string;
  left: { variant: string; key: string; file: string };
  right: { variant: string; key: string; file: string };
}

export interface AbVote {
  v: 1;
  pair: string;
  choice: AbChoice;
  left: string;
  right: string;
  promptId: number;
  seed: number;
  category: string;
  time: string;
}

const SESSION_FILE = 'session.json';
const VOTES_FILE = 'votes.jsonl';

export class AbSession {
  private constructor(
    readonly dir: string,
    readonly spec: AbSessionSpec,
    readonly pairs: readonly AbPair[],
    private readonly votes: Map<string, AbVote>,
    private readonly journal: Journal<AbVote>,
  ) {}

  /** Creates the session (or reopens one with the same spec) and reads its votes. */
  static async open(dir: string, spec?: AbSessionSpec): Promise<AbSession> {
    const file = path.join(dir, SESSION_FILE);
    const existing = await readJsonFile<AbSessionSpec>(file);
    if (spec && existing && canonicalJson(spec) !== canonicalJson(existing))
      throw new EmulsionError('INVALID_ARGUMENT', `${dir} holds a different judging session.`, {
        field: 'dir',
        received: dir,
        allowed: 'an empty folder or the same session',
      });
    const s = existing ?? spec;
    if (!s) throw invalidArgument('dir', dir, `a judging session folder (with ${SESSION_FILE})`);
    if (!Array.isArray(s.variants) || new Set(s.variants).size < 2)
      throw invalidArgument('variants', s.variants, 'at least two different variants');
    if (!existing) await writeFileAtomic(file, JSON.stringify(s, null, 2) + '\n');
    const pairs = await buildPairs(dir, s);
    const { records } = await readJournal<AbVote>(path.join(dir, VOTES_FILE));
    const votes = new Map<string, AbVote>();
    for (const v of records) if (!votes.has(v.pair)) votes.set(v.pair, v);
    const journal = await Journal.open<AbVote>(path.join(dir, VOTES_FILE));
    return new AbSession(dir, s, pairs, votes, journal);
  }

  get benchmarkDir(): string {
    return path.resolve(this.dir, this.spec.benchmark);
  }

  /** The next pair without a vote, or undefined when every pair has one. */
  next(): AbPair | undefined {
    return this.pairs.find((p) => !this.votes.has(p.id));
  }

  progress(): { voted: number; total: number; skipped: number } {
    const skipped = [...this.votes.values()].filter((v) => v.choice === 'skip').length;
    return { voted: this.votes.size, total: this.pairs.length, skipped };
  }

  allVotes(): AbVote[] {
    return [...this.votes.values()];
  }

  /** Records a vote (fsynced). A pair gets one vote: a second one is refused. */
  async vote(pairId: string, choice: AbChoice): Promise<AbVote> {
    if (!(AB_CHOICES as readonly string[]).includes(choice))
      throw invalidArgument('choice', choice, AB_CHOICES);
    const pair = this.pairs.find((p) => p.id === pairId);
    if (!pair) throw invalidArgument('pair', pairId, 'a pair of this session');
    if (this.votes.has(pairId)) throw invalidArgument('pair', pairId, 'a pair without a vote yet');
    const vote: AbVote = {
      v: 1,
      pair: pairId,
      choice,
      left: pair.left.variant,
      right: pair.right.variant,
      promptId: pair.promptId,
      seed: pair.seed,
      category: pair.category,
      time: new Date().toISOString(),
    };
    await this.journal.append(vote);
    this.votes.set(pairId, vote);
    return vote;
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}

async function buildPairs(dir: string, spec: AbSessionSpec): Promise<AbPair[]> {
  const benchDir = path.resolve(dir, spec.benchmark);
  const { spec: bench, prompts } = await readBenchmark(benchDir);
  for (const v of spec.variants)
    if (!bench.variants.some((b) => b.id === v))
      throw invalidArgument(
        'variants',
        v,
        bench.variants.map((b) => b.id),
      );
  const images = await readBenchmarkImages(benchDir);
  const pairs: AbPair[] = [];
  for (const p of prompts)
    for (const seed of bench.seeds)
      for (let i = 0; i < spec.variants.length; i++)
        for (let j = i + 1; j < spec.variants.length; j++) {
          const a = images.get(benchmarkKey(spec.variants[i], p.id, seed));
          const b = images.get(benchmarkKey(spec.variants[j], p.id, seed));
          if (!a || !b) continue;
          const id = `${p.id}/${seed}/${spec.variants[i]}~${spec.variants[j]}`;
          const swap = createUniform(hashSeed(`${spec.seed}\u0000${id}`)).next() < 0.5;
          const first = {
            variant: spec.variants[i],
            key: a.key,
            file: path.join(benchDir, a.file),
          };
          const second = {
            variant: spec.variants[j],
            key: b.key,
            file: path.join(benchDir, b.file),
          };
          pairs.push({
            id,
            promptId: p.id,
            seed,
            prompt: p.prompt,
            category: p.category,
            challenge: p.challenge,
            left: swap ? second : first,
            right: swap ? first : second,
          });
        }
  return shuffled(pairs, createUniform(spec.seed));
}
