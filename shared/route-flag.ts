/**
 * Parses a `--route LISTEN=UPSTREAM` flag: LISTEN is a port or HOST:PORT, UPSTREAM an http(s) or ws(s) URL.
 * Errors are sentences for a person at a terminal.
 */
import type { RouteSpec } from './bridge.js';

export type RouteFlagResult = { ok: true; spec: RouteSpec } | { ok: false; error: string };

const UPSTREAM_PROTOCOLS = new Set(['http:', 'https:', 'ws:', 'wss:']);

export function parseRouteFlag(flag: string): RouteFlagResult {
  const eq = flag.indexOf('=');
  if (eq <= 0) return { ok: false, error: `--route "${flag}" is not LISTEN=UPSTREAM (for example 7801=http://127.0.0.1:8000)` };
  const listen = flag.slice(0, eq).trim();
  const upstream = flag.slice(eq + 1).trim();
  const listenMatch = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(listen);
  if (!listenMatch) return { ok: false, error: `--route "${flag}": "${listen}" is not a port or HOST:PORT` };
  const port = Number(listenMatch[2]);
  if (port > 65535) return { ok: false, error: `--route "${flag}": port ${port} is out of range (0-65535)` };
  const result = parseUpstreamUrl(upstream);
  if (!result.ok) return { ok: false, error: `--route "${flag}": ${result.error}` };
  const spec: RouteSpec = { listenPort: port, upstream: result.url };
  const host = listenMatch[1];
  if (host) spec.listenHost = host.replace(/^\[|\]$/g, '');
  return { ok: true, spec };
}

export function parseUpstreamUrl(text: string): { ok: true; url: string } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `"${text}" is not a URL (for example http://127.0.0.1:8000)` };
  }
  if (!UPSTREAM_PROTOCOLS.has(url.protocol)) {
    return { ok: false, error: `upstream "${text}" must start with http://, https://, ws:// or wss://` };
  }
  return { ok: true, url: url.href };
}
