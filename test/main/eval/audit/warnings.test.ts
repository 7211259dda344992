import { describe, expect, it } from 'vitest';
import {
  findWarningWords,
  loadWarningWords,
  parseWarningWords,
} from '../../../../main/eval/audit/warnings.ts';

describe('warning words', () => {
  it('parses word<TAB>category lines, skipping comments', () => {
    expect(parseWarningWords('# list\nMan\tgendered\n\nthug\tjudgemental\nodd\n')).toEqual([
      { word: 'man', category: 'gendered' },
      { word: 'thug', category: 'judgemental' },
      { word: 'odd', category: 'custom' },
    ]);
  });

  it('matches whole words only, ignoring case', () => {
    const words = parseWarningWords('man\tgendered\nattractive\tjudgemental');
    expect(
      findWarningWords('A photo of an ATTRACTIVE man, smiling', words, 'prompt').map((h) => h.word),
    ).toEqual(['man', 'attractive']);
    expect(findWarningWords('a woman playing the mandolin', words)).toEqual([]);
  });

  it('ships a default list with gendered and judgemental entries', async () => {
    const words = await loadWarningWords();
    const categories = new Set(words.map((w) => w.category));
    expect(categories).toEqual(new Set(['gendered', 'judgemental']));
    expect(findWarningWords('a photo of the face of a businessman', words)).toHaveLength(1);
  });

  it('names the file when a custom list cannot be read', async () => {
    await expect(loadWarningWords('/no/such/list.txt')).rejects.toThrow(
      /warning-word list \/no\/such/,
    );
  });
});
