import { describe, expect, it } from 'vitest';
import { PROMPT_CATEGORIES, type PromptCategory } from '../../../common/safety.ts';
import { createPromptChecker } from '../../../main/safety/prompt-check.ts';
import { loadTermLists, type TermList } from '../../../main/safety/terms.ts';

const ALL = { sexual: true, 'violence-gore': true, 'self-harm': true, hate: true };
const shipped = createPromptChecker(loadTermLists(), ALL);

/** A checker over a hand-made list, so matching rules are tested apart from the shipped lists. */
function checkerFor(terms: string[], exceptions: string[] = []) {
  const lists = {} as Record<PromptCategory, TermList>;
  for (const c of PROMPT_CATEGORIES) {
    lists[c] = { category: c, terms: [], exceptions: [], reason: '', files: [] };
  }
  lists.sexual = { category: 'sexual', terms, exceptions, reason: '', files: [] };
  return createPromptChecker(lists, ALL);
}

const summary = (text: string) =>
  shipped.find(text).map((m) => `${m.category}:${m.term}=${m.matched}`);

describe('prompt check: categories (shipped lists)', () => {
  it.each([
    ['a nude woman on a beach', 'sexual:nude=nude'],
    ['a decapitated knight on the battlefield', 'violence-gore:decapitated=decapitated'],
    ['a girl with slit wrists in a bathtub', 'self-harm:slit wrist=slit wrists'],
    ['crowd shouting heil hitler', 'hate:heil hitler=heil hitler'],
  ])('flags %j as %s', (prompt, expected) => {
    expect(summary(prompt)).toEqual([expected]);
  });

  it('reports every match with its category, term and original span', () => {
    const prompt = 'Portrait, N.U.D.E, covered in blood';
    const found = shipped.find(prompt);
    expect(found).toEqual([
      { layer: 'prompt', category: 'sexual', term: 'nude', matched: 'N.U.D.E', start: 10, end: 17 },
      {
        layer: 'prompt',
        category: 'violence-gore',
        term: 'covered in blood',
        matched: 'covered in blood',
        start: 19,
        end: 35,
      },
    ]);
    for (const m of found) expect(prompt.slice(m.start, m.end)).toBe(m.matched);
  });

  it('checks only the enabled categories', () => {
    const noViolence = createPromptChecker(loadTermLists(), { ...ALL, 'violence-gore': false });
    expect(noViolence.find('nude, decapitated').map((m) => m.category)).toEqual(['sexual']);
  });

  it('passes an ordinary prompt', () => {
    expect(shipped.find('a watercolor painting of a lighthouse at dawn, 4k, trending')).toEqual([]);
  });
});

describe('prompt check: evasions', () => {
  const nude = checkerFor(['nude']);
  const matched = (text: string) => nude.find(text).map((m) => m.matched);

  it.each([
    ['case', 'NUDE', 'NUDE'],
    ['mixed case', 'a NuDe model', 'NuDe'],
    ['dots inside the word', 'n.u.d.e', 'n.u.d.e'],
    ['hyphens inside the word', 'n-u-d-e', 'n-u-d-e'],
    ['stars inside the word', 'nu*de', 'nu*de'],
    ['underscores inside the word', 'n_u_d_e', 'n_u_d_e'],
    ['spaced-out letters', 'a n u d e woman', 'n u d e'],
    ['spaced-out letters with dots', 'n . u . d . e', 'n . u . d . e'],
    ['repeated letters', 'nuuude', 'nuuude'],
    ['every letter repeated', 'nnuuddee', 'nnuuddee'],
    ['3 for e', 'nud3', 'nud3'],
    ['zero-width space inside', 'nu\u200bde', 'nu\u200bde'],
    ['accents', 'nüdé', 'nüdé'],
    ['full-width letters', 'ｎｕｄｅ', 'ｎｕｄｅ'],
    ['a Cyrillic look-alike', 'nud\u0435', 'nud\u0435'],
    ['plural', 'nudes', 'nudes'],
    ['combined', 'N.u.u.d.3', 'N.u.u.d.3'],
  ])('catches %s: %j', (_what, text, span) => {
    expect(matched(text)).toEqual([span]);
  });

  it.each([
    ['0 for o', ['porn'], 'p0rn'],
    ['1 for i', ['kill yourself'], 'k1ll yourself'],
    ['1 for l', ['bloodbath'], 'b1oodbath'],
    ['3 for e', ['sex'], 's3x'],
    ['4 for a', ['anal'], '4n4l'],
    ['5 for s', ['sex'], '5ex'],
    ['7 for t', ['torture'], '7or7ure'],
    ['@ for a', ['ass'], '@ss'],
    ['$ for s', ['sex'], '$ex'],
    ['1 for i and 7 for t together', ['mutilated'], 'mu7i1ated'],
  ])('catches the substitution %s', (_what, terms, text) => {
    expect(
      checkerFor(terms)
        .find(text)
        .map((m) => m.matched),
    ).toEqual([text]);
  });

  it('matches a phrase across spaces, punctuation, or written as one word', () => {
    const selfHarm = checkerFor(['self harm']);
    for (const text of ['self harm', 'self-harm', 'selfharm', 'SELF  HARM', 's e l f h a r m']) {
      expect(selfHarm.find(text).map((m) => m.matched)).toEqual([text]);
    }
  });

  it('does not join a phrase across a comma, which separates prompt tags', () => {
    expect(checkerFor(['kill yourself']).find('kill, yourself')).toEqual([]);
  });

  it('finds terms inside prompt weighting syntax', () => {
    expect(matched('(nude:1.3), [[nude]]')).toEqual(['nude', 'nude']);
  });
});

describe('prompt check: false positives', () => {
  it.each(['sex', 'rapist', 'cunt', 'ass', 'cock', 'anal', 'rape', 'dick', 'nude'])(
    'flags the listed word %j on its own (so the cases below test containment, not absence)',
    (word) => {
      expect(shipped.find(`a ${word} here`).map((m) => m.term)).toEqual([word]);
    },
  );

  it.each([
    'Essex',
    'Middlesex',
    'Sussex',
    'therapist',
    'Scunthorpe',
    'assassin',
    'cocktail',
    'analysis',
    'grape',
    'class',
    'bass guitar',
    'Dickens',
    'pen island',
    'cumulus clouds',
    'title',
    'Uranus',
    "bob's burgers",
    'sextant',
    'shitake',
  ])('does not flag %j', (text) => {
    expect(shipped.find(text)).toEqual([]);
  });

  it('does not flag a word whose letters repeat less than the term requires', () => {
    // "boobs" needs a run of two o's; "bobs" has one.
    expect(checkerFor(['boobs']).find('bobs')).toEqual([]);
    expect(
      checkerFor(['boobs'])
        .find('boooobs')
        .map((m) => m.term),
    ).toEqual(['boobs']);
  });

  it('does not read a spaced word out of the middle of a longer spaced run', () => {
    // "t h e r a p i s t" spells therapist; only a leading "a" or "i" may be dropped.
    expect(checkerFor(['rapist']).find('t h e r a p i s t')).toEqual([]);
  });

  it.each([
    'Moby Dick',
    'summa cum laude',
    'Al Gore',
    'nude lipstick',
    'Gore-Tex jacket',
    'Suicide Squad',
  ])('honours the shipped exception %j', (text) => {
    expect(shipped.find(text)).toEqual([]);
  });

  it('still flags the term outside the exception phrase', () => {
    expect(
      checkerFor(['dick'], ['moby dick'])
        .find('moby dick and a dick')
        .map((m) => m.start),
    ).toEqual([16]);
  });
});
