import { describe, expect, it } from 'vitest';
import { compileQuery, searchWords } from '../../../main/gallery/search.ts';

describe('searchWords', () => {
  it('splits on whitespace, drops quotes and words without letters or digits', () => {
    expect(searchWords('  red "barn"  -- 42 “fog” ')).toEqual(['red', 'barn', '42', 'fog']);
  });
});

describe('compileQuery', () => {
  it('turns each word into a quoted prefix term on the prompt column', () => {
    const c = compileQuery({ text: 'red "barn' });
    expect(c.where).toBe('WHERE images_fts MATCH ?');
    expect(c.params).toEqual(['prompt : ("red"* AND "barn"*)']);
    expect(c.from).toContain('JOIN images_fts');
  });

  it('drops double quotes from words, so each word stays one FTS string', () => {
    expect(compileQuery({ text: 'say"hi' }).params).toEqual(['prompt : ("sayhi"*)']);
    expect(compileQuery({ text: "it's" }).params).toEqual(['prompt : ("it\'s"*)']);
  });

  it('searches both columns when includeNegative is set', () => {
    expect(compileQuery({ text: 'fog', includeNegative: true }).params).toEqual([
      '{prompt negative} : ("fog"*)',
    ]);
  });

  it('matches unspaced scripts with LIKE, escaping LIKE wildcards', () => {
    const c = compileQuery({ text: '猫_% cat' });
    expect(c.where).toBe("WHERE images_fts MATCH ? AND images.prompt LIKE ? ESCAPE '\\'");
    expect(c.params).toEqual(['prompt : ("cat"*)', '%猫\\_\\%%']);
  });

  it('adds filters in a fixed order with their parameters, and defaults to the first 100, newest first', () => {
    const c = compileQuery({
      model: 'm',
      from: 1,
      to: 2,
      favourite: true,
      source: 'a1111',
      tag: 't',
    });
    expect(c.from).toBe('images');
    expect(c.where).toBe(
      'WHERE images.model = ? AND images.created_at >= ? AND images.created_at <= ? AND ' +
        'images.favourite = ? AND images.source = ? AND ' +
        'EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = images.id AND t.tag = ?)',
    );
    expect(c.params).toEqual(['m', 1, 2, 1, 'a1111', 't']);
    expect([c.orderBy, c.limit, c.offset]).toEqual([
      'images.created_at DESC, images.id DESC',
      100,
      0,
    ]);
  });

  it('rejects bad values with the field, the value and what is allowed', () => {
    expect(() => compileQuery({ from: 1.5 })).toThrow(
      '`from` must be milliseconds since 1970 as an integer; received 1.5.',
    );
    expect(() => compileQuery({ offset: -1 })).toThrow(
      '`offset` must be an integer >= 0; received -1.',
    );
    expect(() => compileQuery({ favourite: 'yes' as never })).toThrow(
      '`favourite` must be true or false; received "yes".',
    );
    expect(() => compileQuery({ order: 'random' as never })).toThrow(
      '`order` must be one of newest, oldest, relevance; received "random".',
    );
  });
});
