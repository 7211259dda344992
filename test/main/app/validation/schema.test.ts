import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../../common/errors.ts';
import {
  absolutePath,
  arrayOf,
  bytes,
  fileName,
  integer,
  nothing,
  number,
  object,
  oneOf,
  string,
} from '../../../../main/app/validation/schema.ts';

function errorOf(fn: () => unknown): EmulsionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EmulsionError) return err;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('integer()', () => {
  const steps = integer(1, 150);
  it('accepts integers inside the range, bounds included', () => {
    expect(steps(1, 'steps')).toBe(1);
    expect(steps(150, 'steps')).toBe(150);
  });
  it.each([[0], [151], [2.5], ['20'], [Number.NaN], [Infinity], [1e300], [null]])(
    'refuses %s with the field, the value and the range',
    (value) => {
      const err = errorOf(() => steps(value, 'steps'));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.details).toEqual({
        field: 'steps',
        received: value,
        allowed: 'an integer from 1 to 150',
      });
    },
  );
  it('refuses a value that is not a multiple of the step', () => {
    expect(errorOf(() => integer(64, 4096, 8)(513, 'width')).details.allowed).toBe(
      'a multiple of 8 from 64 to 4096',
    );
  });
});

describe('number()', () => {
  it('refuses NaN and infinities, which JSON cannot carry but IPC can', () => {
    const cfg = number(0, 100);
    for (const v of [Number.NaN, Infinity, -Infinity]) expect(() => cfg(v, 'cfg')).toThrow(/cfg/);
    expect(cfg(7.5, 'cfg')).toBe(7.5);
  });
});

describe('string()', () => {
  it('refuses an over-long string and reports its length instead of echoing it', () => {
    const err = errorOf(() => string({ max: 10 })('x'.repeat(100), 'prompt'));
    expect(err.details.received).toBe('100 characters');
  });
  it('checks the pattern', () => {
    expect(() => string({ max: 9, pattern: /^[a-z]+$/ })('A', 'id')).toThrow(/matching/);
  });
});

describe('absolutePath()', () => {
  const check = absolutePath();
  it('accepts a normalised absolute path', () => {
    expect(check('/home/ana/Pictures/out', 'outputFolder')).toBe('/home/ana/Pictures/out');
  });
  it.each([
    ['relative', 'Pictures/out'],
    ['dot-dot', '/home/ana/../../etc'],
    ['dot segment', '/home/./ana'],
    ['NUL byte', '/home/ana/a\0b'],
    ['backslash dot-dot', '/home/ana\\..\\..\\etc'],
    ['empty', ''],
  ])('refuses a %s path', (_label, value) => {
    expect(errorOf(() => check(value, 'outputFolder')).details.field).toBe('outputFolder');
  });
});

describe('fileName()', () => {
  it.each(['../x.png', 'a/b.png', 'a\\b.png', '..', '.'])('refuses %s', (value) => {
    expect(() => fileName()(value, 'name')).toThrow(EmulsionError);
  });
  it('accepts a plain name', () => {
    expect(fileName()('cat photo.png', 'name')).toBe('cat photo.png');
  });
});

describe('bytes()', () => {
  it('accepts a Uint8Array (Buffer included) up to the limit and refuses anything else', () => {
    expect(bytes(4)(new Uint8Array(4), 'data').length).toBe(4);
    expect(bytes(4)(Buffer.from([1]), 'data').length).toBe(1);
    expect(errorOf(() => bytes(4)(new Uint8Array(5), 'data')).details.received).toBe('5 bytes');
    expect(() => bytes(4)(new Uint8Array(0), 'data')).toThrow(/1 to 4 bytes/);
    expect(() => bytes(4)([1, 2], 'data')).toThrow(/image bytes/);
    expect(() => bytes(4)('iVBOR', 'data')).toThrow(/image bytes/);
  });
});

describe('object()', () => {
  const shape = object({ a: integer(0, 9), b: oneOf(['x', 'y'] as const) }, ['b']);
  it('returns the checked fields and allows an optional one to be absent', () => {
    expect(shape({ a: 3 }, '')).toEqual({ a: 3 });
    expect(shape({ a: 3, b: 'y' }, '')).toEqual({ a: 3, b: 'y' });
  });
  it('names a missing required field', () => {
    expect(errorOf(() => shape({}, '')).details).toMatchObject({ field: 'a', allowed: 'present' });
  });
  it('refuses unknown keys, __proto__ included', () => {
    expect(errorOf(() => shape({ a: 1, c: 2 }, '')).details.field).toBe('c');
    const polluted = JSON.parse('{"a":1,"__proto__":{"admin":true}}') as unknown;
    expect(errorOf(() => shape(polluted, '')).details.field).toBe('__proto__');
  });
  it('prefixes nested field paths', () => {
    const outer = object({ init: object({ strength: number(0, 1) }) });
    expect(errorOf(() => outer({ init: { strength: 2 } }, '')).details.field).toBe('init.strength');
  });
  it('refuses arrays, class instances and null as objects', () => {
    for (const v of [[], new Date(), null, 'a']) expect(() => shape(v, '')).toThrow(/an object/);
  });
});

describe('arrayOf()', () => {
  it('indexes item errors and limits the length', () => {
    const list = arrayOf(integer(0, 1), 2);
    expect(errorOf(() => list([0, 5], 'units')).details.field).toBe('units[1]');
    expect(errorOf(() => list([0, 1, 0], 'units')).details.received).toBe('3 items');
  });
});

describe('nothing()', () => {
  it('accepts undefined, null and {} only', () => {
    const check = nothing();
    for (const v of [undefined, null, {}]) expect(() => check(v, '')).not.toThrow();
    for (const v of [0, 'x', [], { a: 1 }]) expect(() => check(v, '')).toThrow(/no payload/);
  });
});
