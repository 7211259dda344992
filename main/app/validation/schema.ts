/**
 * Small hand-written schema checks for payloads that arrive from the renderer. Each check takes
 * the raw value and the field path and either returns the typed value or throws
 * `invalidArgument(field, received, allowed)`. Nothing is clamped, trimmed or coerced.
 */
import path from 'node:path';
import { invalidArgument } from '../../../common/errors.ts';

export type Check<T> = (value: unknown, field: string) => T;

export function string(options: { min?: number; max: number; pattern?: RegExp }): Check<string> {
  const { min = 0, max, pattern } = options;
  return (value, field) => {
    if (typeof value !== 'string') throw invalidArgument(field, value, 'a string');
    if (value.length < min || value.length > max) {
      const received = value.length > 80 ? `${value.length} characters` : value;
      throw invalidArgument(field, received, `a string of ${min} to ${max} characters`);
    }
    if (pattern && !pattern.test(value)) {
      throw invalidArgument(field, value, `a string matching ${pattern.source}`);
    }
    return value;
  };
}

export function integer(min: number, max: number, multipleOf = 1): Check<number> {
  return (value, field) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalidArgument(field, value, `an integer from ${min} to ${max}`);
    }
    if (value % multipleOf !== 0) {
      throw invalidArgument(field, value, `a multiple of ${multipleOf} from ${min} to ${max}`);
    }
    return value;
  };
}

export function number(min: number, max: number): Check<number> {
  return (value, field) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw invalidArgument(field, value, `a number from ${min} to ${max}`);
    }
    return value;
  };
}

export function boolean(): Check<boolean> {
  return (value, field) => {
    if (typeof value !== 'boolean') throw invalidArgument(field, value, 'true or false');
    return value;
  };
}

export function oneOf<const T extends string>(allowed: readonly T[]): Check<T> {
  return (value, field) => {
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      throw invalidArgument(field, value, allowed);
    }
    return value as T;
  };
}

export function bytes(maxBytes: number): Check<Uint8Array> {
  return (value, field) => {
    if (!(value instanceof Uint8Array)) throw invalidArgument(field, value, 'image bytes');
    if (value.length === 0 || value.length > maxBytes) {
      throw invalidArgument(field, `${value.length} bytes`, `1 to ${maxBytes} bytes`);
    }
    return value;
  };
}

/**
 * An absolute, already-normalised path: no `..` or `.` segments, no NUL, no relative form. A path
 * that normalises to something else is refused rather than resolved, so the caller sees exactly
 * which path main will touch.
 */
export function absolutePath(): Check<string> {
  const base = string({ min: 1, max: 4096 });
  return (value, field) => {
    const text = base(value, field);
    const allowed = 'an absolute path without "..", "." or NUL';
    if (text.includes('\0') || !path.isAbsolute(text)) throw invalidArgument(field, text, allowed);
    const segments = text.split(/[\\/]+/);
    if (segments.includes('..') || segments.includes('.')) {
      throw invalidArgument(field, text, allowed);
    }
    return text;
  };
}

/** A bare file name: no separators, no `..`, no NUL. */
export function fileName(): Check<string> {
  return string({ min: 1, max: 255, pattern: /^(?!\.\.?$)[^\\/\0]+$/ });
}

export function arrayOf<T>(item: Check<T>, maxItems: number): Check<T[]> {
  return (value, field) => {
    if (!Array.isArray(value)) throw invalidArgument(field, value, 'a list');
    if (value.length > maxItems) {
      throw invalidArgument(field, `${value.length} items`, `at most ${maxItems} items`);
    }
    return value.map((v, i) => item(v, `${field}[${i}]`));
  };
}

export function recordOf<T>(
  item: Check<T>,
  maxKeys: number,
  keyPattern: RegExp,
): Check<Record<string, T>> {
  return (value, field) => {
    if (!isPlainObject(value)) throw invalidArgument(field, value, 'an object');
    const keys = Object.keys(value);
    if (keys.length > maxKeys) {
      throw invalidArgument(field, `${keys.length} keys`, `at most ${maxKeys} keys`);
    }
    const out: Record<string, T> = {};
    for (const key of keys) {
      if (!keyPattern.test(key))
        throw invalidArgument(`${field}.${key}`, key, `a key matching ${keyPattern.source}`);
      out[key] = item(value[key], `${field}.${key}`);
    }
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type Parsed<S extends Shape, O extends keyof S> = {
  [K in Exclude<keyof S, O>]: ReturnType<S[K]>;
} & {
  [K in O]?: ReturnType<S[K]>;
};

/**
 * A plain object with exactly these keys. Keys listed in `optional` may be absent or undefined;
 * any key not in the shape is refused, so a typo or an injected field never passes silently.
 */
export function object<S extends Shape, O extends keyof S = never>(
  shape: S,
  optional?: readonly O[],
): Check<Parsed<S, NoInfer<O>>> {
  const optionalKeys: readonly string[] = (optional ?? []) as readonly string[];
  return (value, field) => {
    if (!isPlainObject(value)) throw invalidArgument(field || 'request', value, 'an object');
    const prefix = field ? `${field}.` : '';
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) {
        throw invalidArgument(
          `${prefix}${key}`,
          value[key],
          'absent',
          'This field is not part of the request.',
        );
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const v = value[key];
      if (v === undefined) {
        if (optionalKeys.includes(key)) continue;
        throw invalidArgument(`${prefix}${key}`, v, 'present');
      }
      out[key] = check(v, `${prefix}${key}`);
    }
    return out as Parsed<S, O>;
  };
}

/** For calls without a payload: nothing, null or `{}` only. */
export function nothing(): Check<void> {
  return (value, field) => {
    if (value === undefined || value === null) return;
    if (isPlainObject(value) && Object.keys(value).length === 0) return;
    throw invalidArgument(field || 'request', value, 'no payload');
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `null`, or what `check` accepts. */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, field) => (value === null ? null : check(value, field));
}
