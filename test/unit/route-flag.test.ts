/** `--route LISTEN=UPSTREAM`: what is accepted, and the sentence a person sees when it is not. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRouteFlag, parseUpstreamUrl } from '../../shared/route-flag.js';

describe('parseRouteFlag: good flags', () => {
  it.each([
    ['7801=http://127.0.0.1:8000', { listenPort: 7801, upstream: 'http://127.0.0.1:8000/' }],
    ['0=http://127.0.0.1:8055', { listenPort: 0, upstream: 'http://127.0.0.1:8055/' }],
    ['65535=https://tools.example.com/api', { listenPort: 65535, upstream: 'https://tools.example.com/api' }],
    ['7801=ws://127.0.0.1:9000/realtime', { listenPort: 7801, upstream: 'ws://127.0.0.1:9000/realtime' }],
    ['7801=wss://api.example.com/v1/realtime?model=x', { listenPort: 7801, upstream: 'wss://api.example.com/v1/realtime?model=x' }],
    ['localhost:7801=http://127.0.0.1:8000', { listenHost: 'localhost', listenPort: 7801, upstream: 'http://127.0.0.1:8000/' }],
    ['0.0.0.0:7801=http://127.0.0.1:8000', { listenHost: '0.0.0.0', listenPort: 7801, upstream: 'http://127.0.0.1:8000/' }],
    ['[::1]:7801=http://[::1]:8000', { listenHost: '::1', listenPort: 7801, upstream: 'http://[::1]:8000/' }],
    // Spaces around the parts (a quoted flag in a script) are forgiven.
    [' 7801 = http://127.0.0.1:8000 ', { listenPort: 7801, upstream: 'http://127.0.0.1:8000/' }],
    // Only the first `=` separates: the upstream may carry a query with `=`.
    ['7801=http://127.0.0.1:8000/hook?key=abc', { listenPort: 7801, upstream: 'http://127.0.0.1:8000/hook?key=abc' }],
  ])('%s', (flag, spec) => {
    expect(parseRouteFlag(flag)).toEqual({ ok: true, spec });
  });

  it('leaves listenHost out when the flag names only a port (the core then binds to 127.0.0.1)', () => {
    const result = parseRouteFlag('7801=http://127.0.0.1:8000');
    expect(result.ok && 'listenHost' in result.spec).toBe(false);
  });
});

describe('parseRouteFlag: bad flags and the message a person reads', () => {
  it.each([
    ['nonsense', '--route "nonsense" is not LISTEN=UPSTREAM (for example 7801=http://127.0.0.1:8000)'],
    ['=http://127.0.0.1:8000', '--route "=http://127.0.0.1:8000" is not LISTEN=UPSTREAM (for example 7801=http://127.0.0.1:8000)'],
    ['', '--route "" is not LISTEN=UPSTREAM (for example 7801=http://127.0.0.1:8000)'],
    ['abc=http://127.0.0.1:8000', '--route "abc=http://127.0.0.1:8000": "abc" is not a port or HOST:PORT'],
    ['-1=http://127.0.0.1:8000', '--route "-1=http://127.0.0.1:8000": "-1" is not a port or HOST:PORT'],
    ['78.01=http://127.0.0.1:8000', '--route "78.01=http://127.0.0.1:8000": "78.01" is not a port or HOST:PORT'],
    ['localhost:=http://127.0.0.1:8000', '--route "localhost:=http://127.0.0.1:8000": "localhost:" is not a port or HOST:PORT'],
    ['[::1:7801=http://127.0.0.1:8000', '--route "[::1:7801=http://127.0.0.1:8000": "[::1:7801" is not a port or HOST:PORT'],
    ['70000=http://127.0.0.1:8000', '--route "70000=http://127.0.0.1:8000": port 70000 is out of range (0-65535)'],
    ['65536=http://127.0.0.1:8000', '--route "65536=http://127.0.0.1:8000": port 65536 is out of range (0-65535)'],
    ['7801=127.0.0.1:8000', '--route "7801=127.0.0.1:8000": "127.0.0.1:8000" is not a URL (for example http://127.0.0.1:8000)'],
    ['7801=http://', '--route "7801=http://": "http://" is not a URL (for example http://127.0.0.1:8000)'],
    ['7801=ftp://127.0.0.1:8000', '--route "7801=ftp://127.0.0.1:8000": upstream "ftp://127.0.0.1:8000" must start with http://, https://, ws:// or wss://'],
    // `localhost:8000` parses as a URL with the scheme "localhost:"; the message names the missing scheme.
    ['7801=localhost:8000', '--route "7801=localhost:8000": upstream "localhost:8000" must start with http://, https://, ws:// or wss://'],
    ['7801=file:///etc/passwd', '--route "7801=file:///etc/passwd": upstream "file:///etc/passwd" must start with http://, https://, ws:// or wss://'],
  ])('%j', (flag, message) => {
    expect(parseRouteFlag(flag)).toEqual({ ok: false, error: message });
  });

  it('every message is one line that quotes the flag as given', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (flag) => {
        const result = parseRouteFlag(flag);
        if (result.ok) {
          expect(result.spec.listenPort).toBeGreaterThanOrEqual(0);
          expect(result.spec.listenPort).toBeLessThanOrEqual(65535);
          expect(parseUpstreamUrl(result.spec.upstream).ok).toBe(true);
        } else {
          expect(result.error.startsWith(`--route "${flag}"`)).toBe(true);
          if (!flag.includes('\n') && !flag.includes('\r')) expect(result.error).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 500, seed: 99 },
    );
  });
});

describe('parseUpstreamUrl', () => {
  it('normalises a good URL and refuses other schemes', () => {
    expect(parseUpstreamUrl('HTTP://LOCALHOST:8000')).toEqual({ ok: true, url: 'http://localhost:8000/' });
    expect(parseUpstreamUrl('mailto:a@b.c')).toEqual({ ok: false, error: 'upstream "mailto:a@b.c" must start with http://, https://, ws:// or wss://' });
    expect(parseUpstreamUrl('not a url')).toEqual({ ok: false, error: '"not a url" is not a URL (for example http://127.0.0.1:8000)' });
  });
});
