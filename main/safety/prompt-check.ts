/**
 * The prompt check: finds listed terms in a prompt and says which term matched, in which
 * category, and where in the text the user typed.
 *
 * Matching is on whole words (see text-normalize.ts for what a candidate word is), never on
 * substrings, so "Essex", "therapist", "Scunthorpe", "assassin", "cocktail", "analysis" and
 * "grape" do not match "sex", "rapist", "cunt", "ass", "cock", "anal" and "rape" (the
 * Scunthorpe problem). Evasions handled:
 *   - case, accents, full-width and look-alike letters (normalisation);
 *   - punctuation or spaces between letters: "n.u.d.e", "n u d e", "nu-de" (chunks, spaced runs);
 *   - repeated letters: a run of one letter in the term matches a run at least as long in the
 *     text, so "nuuude" matches "nude" while "bobs" does not match "boobs";
 *   - substitutions 0→o 1→i/l 3→e 4→a 5→s 7→t @→a $→s: "nud3", "$ex", "k1ll".
 * Terms and exceptions also match their plural (-s, -es; for a phrase, on its last word). A
 * phrase matches with any whitespace or soft punctuation between its words, or written as one
 * word ("self-harm", "selfharm").
 *
 * NOTE: two multi-letter fragments separated by a space ("nu de") are not joined: joining
 * arbitrary neighbours turns "pen is" into "penis". Translations and misspellings beyond the
 * substitutions are not caught either; keyword lists lose that arms race (AI Horde,
 * evaluation.md A3), which is why the image layers exist.
 */
import type { PromptCategory, PromptReason } from '../../common/safety.ts';
import type { TermList } from './terms.ts';
import {
  candidates,
  normalizeText,
  type Candidate,
  type NormChar,
  type NormalizedText,
} from './text-normalize.ts';

interface Run {
  letter: string;
  count: number;
}

interface CompiledTerm {
  term: string;
  category: PromptCategory;
  /** Letter runs of each word, and of all words written together. */
  words: Run[][];
  joined: Run[];
  /** Cheap pre-checks: the first letter, and the fewest characters that can spell the term. */
  first: string;
  minLength: number;
}

function runsOf(letters: string): Run[] {
  const runs: Run[] = [];
  for (const letter of letters) {
    const last = runs[runs.length - 1];
    if (last && last.letter === letter) last.count++;
    else runs.push({ letter, count: 1 });
  }
  return runs;
}

function withSuffix(runs: Run[], suffix: string): Run[] {
  return runsOf(runs.map((r) => r.letter.repeat(r.count)).join('') + suffix);
}

/**
 * True when `chars` spell `runs` exactly: each run of k equal letters in the term is matched by
 * k or more consecutive characters that may be read as that letter. Characters with several
 * readings (1 = i or l) make the split ambiguous, so all run lengths are tried (memoised).
 */
export function spells(runs: readonly Run[], chars: readonly NormChar[]): boolean {
  const memo = new Map<number, boolean>();
  const go = (r: number, u: number): boolean => {
    if (r === runs.length) return u === chars.length;
    const key = r * (chars.length + 1) + u;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const { letter, count } = runs[r];
    let available = 0;
    while (u + available < chars.length && chars[u + available].alts.includes(letter)) available++;
    let ok = false;
    for (let len = count; len <= available && !ok; len++) ok = go(r + 1, u + len);
    memo.set(key, ok);
    return ok;
  };
  return go(0, 0);
}

/** `spells`, also accepting the plural -s / -es (for a phrase, on its last word). */
function spellsWithPlural(runs: Run[], chars: readonly NormChar[], plural = true): boolean {
  if (spells(runs, chars)) return true;
  if (!plural) return false;
  return spells(withSuffix(runs, 's'), chars) || spells(withSuffix(runs, 'es'), chars);
}

function compile(term: string, category: PromptCategory): CompiledTerm {
  const words = normalizeText(term).pieces.map((p) =>
    runsOf(p.chars.map((c) => c.alts[0]).join('')),
  );
  const joined = runsOf(
    words
      .flat()
      .map((r) => r.letter.repeat(r.count))
      .join(''),
  );
  const minLength = joined.reduce((n, r) => n + r.count, 0);
  return { term, category, words, joined, first: joined[0].letter, minLength };
}

interface Span {
  start: number;
  end: number;
}

/** Every span of `text` where `term` occurs, as one word or as a phrase over consecutive words. */
function findSpans(term: CompiledTerm, norm: NormalizedText, cands: readonly Candidate[]): Span[] {
  const spans: Span[] = [];
  for (const cand of cands) {
    if (cand.chars.length < term.minLength || !cand.chars[0].alts.includes(term.first)) continue;
    if (spellsWithPlural(term.joined, cand.chars)) spans.push(cand);
  }
  const n = term.words.length;
  if (n < 2) return spans;
  const { pieces, joinable } = norm;
  for (let i = 0; i + n <= pieces.length; i++) {
    if (!pieces[i].chars[0].alts.includes(term.first)) continue;
    let ok = true;
    for (let k = 0; k < n && ok; k++) {
      if (k > 0 && !joinable[i + k - 1]) ok = false;
      else ok = spellsWithPlural(term.words[k], pieces[i + k].chars, k === n - 1);
    }
    if (ok) spans.push({ start: pieces[i].start, end: pieces[i + n - 1].end });
  }
  return spans;
}

export interface PromptChecker {
  /** Every listed term found in `text`, in order of position. */
  find(text: string): PromptReason[];
}

/** Compiles the lists of the enabled categories into a checker. */
export function createPromptChecker(
  lists: Readonly<Record<PromptCategory, TermList>>,
  enabled: Readonly<Record<PromptCategory, boolean>>,
): PromptChecker {
  const categories = (Object.keys(lists) as PromptCategory[]).filter((c) => enabled[c]);
  const compiled = categories.map((category) => ({
    category,
    terms: lists[category].terms.map((t) => compile(t, category)),
    exceptions: lists[category].exceptions.map((t) => compile(t, category)),
  }));
  return {
    find(text) {
      const norm = normalizeText(text);
      const cands = candidates(norm);
      const found = new Map<string, PromptReason>();
      for (const { category, terms, exceptions } of compiled) {
        const excused = exceptions.flatMap((e) => findSpans(e, norm, cands));
        for (const term of terms) {
          for (const span of findSpans(term, norm, cands)) {
            if (excused.some((e) => e.start <= span.start && span.end <= e.end)) continue;
            const key = `${category}\u0000${term.term}\u0000${span.start}\u0000${span.end}`;
            found.set(key, {
              layer: 'prompt',
              category,
              term: term.term,
              matched: text.slice(span.start, span.end),
              start: span.start,
              end: span.end,
            });
          }
        }
      }
      return [...found.values()].sort((a, b) => a.start - b.start || a.end - b.end);
    },
  };
}
