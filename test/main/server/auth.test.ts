import { describe, expect, it } from 'vitest';
import {
  createToken,
  hostAllowed,
  isLoopback,
  originAllowed,
  tokensEqual,
} from '../../../main/server/auth.ts';

describe('createToken()', () => {
  it('makes 256-bit URL-safe tokens that differ each time', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes → 43 base64url characters
    expect(createToken()).not.toBe(a);
  });
});

describe('tokensEqual()', () => {
  it('compares exactly, including length', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('ab', 'abc')).toBe(false);
    expect(tokensEqual(null, 'abc')).toBe(false);
  });
});

describe('isLoopback() and hostAllowed()', () => {
  it('knows the loopback names', () => {
    for (const h of ['127.0.0.1', '127.3.2.1', '::1', 'localhost'])
      expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.4', 'example.com', '::'])
      expect(isLoopback(h)).toBe(false);
  });
  it('accepts only loopback Host headers on a loopback bind, any on a remote bind', () => {
    expect(hostAllowed('127.0.0.1:7860', '127.0.0.1')).toBe(true);
    expect(hostAllowed('localhost:7860', '127.0.0.1')).toBe(true);
    expect(hostAllowed('[::1]:7860', '::1')).toBe(true);
    expect(hostAllowed('evil.example:7860', '127.0.0.1')).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
    expect(hostAllowed('gpu-box.lan:7860', '0.0.0.0')).toBe(true);
  });
});

describe('originAllowed()', () => {
  it('accepts the page’s own origin or no origin, refuses others', () => {
    expect(originAllowed('http://127.0.0.1:7860', '127.0.0.1:7860')).toBe(true);
    expect(originAllowed(undefined, '127.0.0.1:7860')).toBe(true);
    expect(originAllowed('http://127.0.0.1:9999', '127.0.0.1:7860')).toBe(false);
    expect(originAllowed('https://evil.example', '127.0.0.1:7860')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:7860')).toBe(false);
  });
});
