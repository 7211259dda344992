import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import { PROMPT_CATEGORIES } from '../../../common/safety.ts';
import { createPromptChecker } from '../../../main/safety/prompt-check.ts';
import { loadTermLists, parseTermFile, termKey } from '../../../main/safety/terms.ts';

const ALL = { sexual: true, 'violence-gore': true, 'self-harm': true, hate: true };

function userDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulsion-terms-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function thrown(fn: () => unknown): EmulsionError {
  try {
    fn();
  } catch (err) {
    return err as EmulsionError;
  }
  throw new Error('expected an error');
}

describe('shipped word lists', () => {
  const lists = loadTermLists();

  it('has a non-empty list with a reason for every category', () => {
    for (const c of PROMPT_CATEGORIES) {
      expect(lists[c].terms.length).toBeGreaterThan(10);
      expect(lists[c].reason.length).toBeGreaterThan(40);
    }
  });

  it('takes the reason from the first comment block only', () => {
    expect(lists.sexual.reason.startsWith('Explicit sexual content')).toBe(true);
    expect(lists.sexual.reason).not.toContain('Nudity');
  });

  it('lists no entry that is only the plural of another (plurals match automatically)', () => {
    for (const c of PROMPT_CATEGORIES) {
      const keys = new Set(lists[c].terms.map(termKey));
      const redundant = [...keys].filter(
        (k) => keys.has(k.replace(/e?s$/, '')) && k !== k.replace(/e?s$/, ''),
      );
      expect(redundant, c).toEqual([]);
    }
  });
});

describe('parseTermFile', () => {
  it('separates terms, exceptions, removals and the replace directive', () => {
    const parsed = parseTermFile(
      '# why\n# more\n\n# section\nnude\n!moby dick\n-ass\n@replace\n',
      'u.txt',
      true,
    );
    expect(parsed).toEqual({
      terms: ['nude'],
      exceptions: ['moby dick'],
      removals: ['ass'],
      replace: true,
      header: 'why more',
    });
  });

  it('refuses removals in a shipped list, naming the file and line', () => {
    const err = thrown(() => parseTermFile('# h\nnude\n-ass\n', 'sexual.txt', false));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.details.field).toBe('sexual.txt:3');
    expect(err.details.received).toBe('-ass');
  });

  it('refuses an entry without letters or digits', () => {
    const err = thrown(() => parseTermFile('nude\n...\n', 'x.txt', true));
    expect(err.details.field).toBe('x.txt:2');
    expect(err.message).toContain('at least one letter or digit');
  });

  it('refuses an unknown directive', () => {
    expect(thrown(() => parseTermFile('@append\n', 'x.txt', true)).details.field).toBe('x.txt:1');
  });
});

describe('loadTermLists with a user folder', () => {
  it('extends a shipped list with the user terms', () => {
    const lists = loadTermLists({ userDir: userDir({ 'sexual.txt': 'boudoir\n' }) });
    expect(lists.sexual.terms).toContain('boudoir');
    expect(lists.sexual.terms).toContain('nude');
    expect(lists.sexual.files).toHaveLength(2);
  });

  it('removes a shipped term the user marks with -', () => {
    const lists = loadTermLists({ userDir: userDir({ 'violence-gore.txt': '-Gore\n' }) });
    expect(lists['violence-gore'].terms).not.toContain('gore');
    const checker = createPromptChecker(lists, ALL);
    expect(checker.find('gore')).toEqual([]);
    expect(checker.find('decapitated').map((m) => m.term)).toEqual(['decapitated']);
  });

  it('replaces a shipped list under @replace', () => {
    const lists = loadTermLists({ userDir: userDir({ 'hate.txt': '@replace\nfoo bar\n' }) });
    expect(lists.hate.terms).toEqual(['foo bar']);
    expect(lists.hate.exceptions).toEqual([]);
  });

  it('refuses a user file that is not named after a category', () => {
    const err = thrown(() => loadTermLists({ userDir: userDir({ 'sexaul.txt': 'x\n' }) }));
    expect(err.details.field).toBe('userTermsDir');
    expect(err.details.allowed).toEqual(PROMPT_CATEGORIES.map((c) => `${c}.txt`));
  });

  it('refuses a missing user folder', () => {
    const err = thrown(() => loadTermLists({ userDir: '/nonexistent/emulsion-terms' }));
    expect(err.details).toMatchObject({ field: 'userTermsDir', allowed: 'an existing folder' });
  });
});
