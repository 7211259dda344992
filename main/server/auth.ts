/**
 * Access control for the local server: a random token (in the printed URL, then a cookie), a
 * Host-header check against DNS rebinding on loopback binds, and a same-origin check for the
 * WebSocket handshake.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 32 random bytes, base64url: 256 bits, URL- and cookie-safe. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie is named per port, so two servers on one machine never read each other's. */
export const cookieName = (port: number) => `emulsion_token_${port}`;

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The token a request carries: `?token=`, then `Authorization: Bearer`, then the cookie. */
export function requestToken(req: IncomingMessage, url: URL, port: number): string | null {
  const query = url.searchParams.get('token');
  if (query) return query;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return parseCookies(req.headers.cookie).get(cookieName(port)) ?? null;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * On a loopback bind, the Host header must name a loopback host: a DNS-rebinding page at
 * evil.example resolving to 127.0.0.1 sends `Host: evil.example` and is refused.
 */
export function hostAllowed(hostHeader: string | undefined, bindHost: string): boolean {
  if (!isLoopback(bindHost)) return true;
  if (!hostHeader) return false;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(1, hostHeader.indexOf(']'))
    : hostHeader.split(':')[0];
  return isLoopback(name);
}

/** A browser's WebSocket handshake must come from a page served by this server. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser (CLI tools, tests); the token still applies
  try {
    const o = new URL(origin);
    return (o.protocol === 'http:' || o.protocol === 'https:') && o.host === hostHeader;
  } catch {
    return false;
  }
}
