/**
 * Who may talk to the UI server. A local web UI with an API is reachable by every web page the user opens
 * (cross-site requests, DNS rebinding), so each request must carry the per-launch token, name this server
 * in its Host header, and (when a browser sends one) come from this server's own Origin.
 */
import { timingSafeEqual } from 'node:crypto';

export interface GuardConfig {
  token: string;
  /** host:port values this server answers to. Empty means any (the user bound to a wildcard address). */
  allowedHosts: ReadonlySet<string>;
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403 | 421; reason: string };

export function allowedHostsFor(bindHost: string, port: number): Set<string> {
  if (bindHost === '0.0.0.0' || bindHost === '::') return new Set();
  const hosts = new Set([`localhost:${port}`]);
  if (bindHost.includes(':')) hosts.add(`[${bindHost}]:${port}`);
  else hosts.add(`${bindHost}:${port}`);
  if (bindHost === '127.0.0.1' || bindHost === '::1') {
    hosts.add(`127.0.0.1:${port}`);
    hosts.add(`[::1]:${port}`);
  }
  return hosts;
}

export function checkHost(config: GuardConfig, host: string | undefined): GuardVerdict {
  if (config.allowedHosts.size === 0) return { ok: true };
  if (host && config.allowedHosts.has(host.toLowerCase())) return { ok: true };
  return { ok: false, status: 421, reason: `Host "${host ?? ''}" is not this server` };
}

export function checkOrigin(config: GuardConfig, origin: string | undefined, host: string | undefined): GuardVerdict {
  // Non-browser clients send no Origin; the token still protects them.
  if (origin === undefined) return { ok: true };
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return { ok: false, status: 403, reason: `Origin "${origin}" is not this server` };
  }
  const sameAsHost = host !== undefined && parsed.host.toLowerCase() === host.toLowerCase();
  const allowed = config.allowedHosts.size === 0 ? sameAsHost : config.allowedHosts.has(parsed.host.toLowerCase()) && sameAsHost;
  if (parsed.protocol === 'http:' && allowed) return { ok: true };
  return { ok: false, status: 403, reason: `Origin "${origin}" is not this server` };
}

export function checkToken(config: GuardConfig, token: string | null): GuardVerdict {
  if (token === null || token === '') return { ok: false, status: 401, reason: 'missing token' };
  const given = Buffer.from(token);
  const expected = Buffer.from(config.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 401, reason: 'wrong token' };
  return { ok: true };
}
