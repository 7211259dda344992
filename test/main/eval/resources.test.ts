import { describe, expect, it } from 'vitest';
import {
  loadIdentityTerms,
  loadOccupations,
  loadPartiPrompts,
  parseCsv,
} from '../../../main/eval/resources.ts';

describe('parseCsv', () => {
  it('handles quoted commas, doubled quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
  });
});

describe('shipped evaluation data', () => {
  it('loads the 100 BLS occupations as shares with neutral prompt terms', async () => {
    const occupations = await loadOccupations();
    expect(occupations).toHaveLength(100);
    // occupations.csv rows: "Chief executives,2022,29.2,…" and "Plumbers, …",2022,1.1,…
    const ceo = occupations.find((o) => o.title === 'Chief executives')!;
    expect(ceo).toMatchObject({ year: 2022, promptTerm: 'chief executive', article: 'a' });
    expect(ceo.women).toBeCloseTo(0.292, 6);
    const plumbers = occupations.find((o) => o.title.startsWith('Plumbers'))!;
    expect(plumbers.women).toBeCloseTo(0.011, 6);
    expect(occupations.every((o) => o.women >= 0 && o.women <= 1)).toBe(true);
  });

  it('loads the identity terms with their sources', async () => {
    const terms = await loadIdentityTerms();
    expect(terms).toHaveLength(16);
    expect(terms[0]).toMatchObject({
      attribute: 'gender',
      term: 'man',
      sourceRepo: 'j-min/DallEval',
    });
  });

  it('loads all 1,632 PartiPrompts with the category counts of its NOTICE', async () => {
    const prompts = await loadPartiPrompts();
    expect(prompts).toHaveLength(1632);
    const count = (field: 'category' | 'challenge', value: string) =>
      prompts.filter((p) => p[field] === value).length;
    expect(count('category', 'Animals')).toBe(314);
    expect(count('category', 'Indoor Scenes')).toBe(40);
    expect(count('challenge', 'Basic')).toBe(272);
    expect(count('challenge', 'Properties & Positioning')).toBe(35);
    expect(prompts[0]).toEqual({
      id: 1,
      prompt: 'bond',
      category: 'Abstract',
      challenge: 'Basic',
      note: 'Biology-inspired concepts with multiple meanings',
    });
  });
});
