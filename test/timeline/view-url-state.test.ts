/**
 * The view in the URL hash: every state the UI can be in survives formatViewHash -> parseViewHash, whatever the
 * search text holds (`&`, `=`, `%`, `#`, `+`, spaces, any Unicode), the plain view has an empty hash, and a
 * hand-edited or broken link never throws: what cannot be read is dropped, the rest still opens.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallStatus, Protocol } from '../../shared/analysis/model.js';
import { CALL_STATUSES, EMPTY_FILTER, type TimelineFilter } from '../../shared/timeline/timeline-filter.js';
import { DEFAULT_VIEW_STATE, formatViewHash, parseViewHash, type ViewUrlState } from '../../shared/timeline/view-url-state.js';

const PROTOCOLS: Protocol[] = ['daily', 'vapi', 'retell', 'millis', 'elevenlabs', 'openai-realtime', 'navtalk', 'rtvi'];

const state = (patch: Partial<Omit<ViewUrlState, 'filter'>> & { filter?: Partial<TimelineFilter> } = {}): ViewUrlState => ({
  ...DEFAULT_VIEW_STATE,
  ...patch,
  filter: { ...EMPTY_FILTER, ...patch.filter },
});

// ---- Arbitraries ----

/** Characters that break naive hash handling, mixed with any printable grapheme and any code point. */
const nasty = fc.constantFrom('&', '=', '%', '#', '+', ' ', '?', ',', '%25', '%2', '%E0%A4%A', '\n', '\t', 'é', '日本', '🎧', '👩‍👩‍👧', '\u0000');
const text = fc.string({ unit: fc.oneof(nasty, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 30 });
/** Names as they appear in function and route lists: anything but the comma that joins them, never empty. */
const name = fc.string({ unit: fc.oneof(nasty.filter((c) => !c.includes(',')), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== ',')), minLength: 1, maxLength: 12 });

const stateArbitrary: fc.Arbitrary<ViewUrlState> = fc.record({
  view: fc.constantFrom('calls' as const, 'traffic' as const),
  filter: fc.record({
    text,
    protocols: fc.subarray(PROTOCOLS),
    statuses: fc.subarray([...CALL_STATUSES]),
    functions: fc.array(name, { maxLength: 4 }),
    routes: fc.array(name, { maxLength: 3 }),
    onlyProblems: fc.boolean(),
  }),
  grouped: fc.boolean(),
  hideAudio: fc.boolean(),
});

describe('formatViewHash', () => {
  it('gives an empty hash for the default view, and parsing an empty hash gives the default view', () => {
    expect(formatViewHash(DEFAULT_VIEW_STATE)).toBe('');
    expect(formatViewHash(state())).toBe('');
    expect(parseViewHash('')).toEqual(DEFAULT_VIEW_STATE);
    expect(parseViewHash('#')).toEqual(DEFAULT_VIEW_STATE);
    expect(parseViewHash('#&&')).toEqual(DEFAULT_VIEW_STATE);
  });

  it('writes each non-default part once, in a fixed order', () => {
    expect(formatViewHash(state({ view: 'traffic' }))).toBe('#view=traffic');
    expect(formatViewHash(state({ filter: { text: 'weather' } }))).toBe('#q=weather');
    expect(formatViewHash(state({ filter: { statuses: ['error', 'unanswered'] } }))).toBe('#status=error%2Cunanswered');
    expect(formatViewHash(state({ filter: { onlyProblems: true } }))).toBe('#problems=1');
    expect(formatViewHash(state({ grouped: true }))).toBe('#group=1');
    expect(formatViewHash(state({ hideAudio: true }))).toBe('#audio=hide');
    expect(
      formatViewHash(
        state({
          view: 'traffic',
          grouped: true,
          hideAudio: true,
          filter: { text: 'a&b=c', protocols: ['daily', 'openai-realtime'], statuses: ['ok'], functions: ['get_weather', 'hang_up'], routes: ['r1'], onlyProblems: true },
        }),
      ),
    ).toBe('#view=traffic&q=a%26b%3Dc&protocol=daily%2Copenai-realtime&status=ok&fn=get_weather%2Chang_up&route=r1&problems=1&group=1&audio=hide');
  });

  it('escapes what would end or split a parameter', () => {
    const hash = formatViewHash(state({ filter: { text: 'a & b = c % d # e + f' } }));
    expect(hash).toBe('#q=a%20%26%20b%20%3D%20c%20%25%20d%20%23%20e%20%2B%20f');
    expect(hash.slice(1)).not.toMatch(/[#&+ ]/);
  });

  it('does not throw on text with a lone surrogate (a paste can carry one), and writes it as U+FFFD', () => {
    for (const broken of ['\uD83D', 'a\uDE00b', 'x\uD83D\uD83Dy', '\uDE00\uD83D']) {
      const hash = formatViewHash(state({ filter: { text: broken } }));
      expect(parseViewHash(hash).filter.text).toBe(broken.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
    }
    // A well-formed pair is kept as it is.
    expect(parseViewHash(formatViewHash(state({ filter: { text: 'a😀b' } }))).filter.text).toBe('a😀b');
  });

  it('never throws, whatever UTF-16 the text and names hold', () => {
    const units = fc.string({ unit: fc.constantFrom('\uD83D', '\uDE00', '\uDBFF', '\uDC00', 'a', '&', '%', ',', '😀'), maxLength: 12 });
    fc.assert(
      fc.property(units, fc.array(units.filter((u) => u !== '' && !u.includes(',')), { maxLength: 3 }), (text, names) => {
        const s = state({ filter: { text, functions: names, routes: names } });
        const parsed = parseViewHash(formatViewHash(s));
        const wellFormed = (u: string) => u.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
        expect(parsed.filter.text).toBe(wellFormed(text));
        expect(parsed.filter.functions).toEqual(names.map(wellFormed));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseViewHash', () => {
  it('reads the documented example', () => {
    expect(parseViewHash('#view=traffic&q=weather&status=error,unanswered&problems=1')).toEqual(
      state({ view: 'traffic', filter: { text: 'weather', statuses: ['error', 'unanswered'], onlyProblems: true } }),
    );
  });

  it('reads a hash with or without its leading #', () => {
    expect(parseViewHash('group=1&audio=hide')).toEqual(state({ grouped: true, hideAudio: true }));
    expect(parseViewHash('#group=1&audio=hide')).toEqual(state({ grouped: true, hideAudio: true }));
  });

  it('drops unknown protocols and statuses, keeping the known ones in order', () => {
    const parsed = parseViewHash('#protocol=vapi,zoom,daily,,DAILY&status=ok,bogus,pending,Error');
    expect(parsed.filter.protocols).toEqual(['vapi', 'daily']);
    expect(parsed.filter.statuses).toEqual(['ok', 'pending']);
    expect(parseViewHash('#protocol=zoom&status=maybe')).toEqual(DEFAULT_VIEW_STATE);
  });

  it('drops unknown keys and unknown values of known keys', () => {
    expect(parseViewHash('#view=grid&problems=yes&group=true&audio=show&token=abc&x')).toEqual(DEFAULT_VIEW_STATE);
  });

  it('skips only the pair with a broken escape', () => {
    expect(parseViewHash('#q=%E0%A4%A&view=traffic')).toEqual(state({ view: 'traffic' }));
    expect(parseViewHash('#view=traffic&q=50%&fn=a,b')).toEqual(state({ view: 'traffic', filter: { functions: ['a', 'b'] } }));
    expect(parseViewHash('#%ZZ=1&group=1')).toEqual(state({ grouped: true }));
  });

  it('reads + as a space (links written by URLSearchParams) and %2B as a plus', () => {
    expect(parseViewHash('#q=get+weather').filter.text).toBe('get weather');
    expect(parseViewHash('#q=1%2B1').filter.text).toBe('1+1');
  });

  it('reads a key without a value as empty, and lets the last of a repeated key win', () => {
    expect(parseViewHash('#q').filter.text).toBe('');
    expect(parseViewHash('#q=first&q=second').filter.text).toBe('second');
    expect(parseViewHash('#q=a=b').filter.text).toBe('a=b');
  });

  it('drops empty names from lists', () => {
    expect(parseViewHash('#fn=,get_weather,,hang_up,&route=,').filter).toEqual({ ...EMPTY_FILTER, functions: ['get_weather', 'hang_up'], routes: [] });
  });

  it('never throws on random strings, and always gives a well-formed state', () => {
    const garbage = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('%', 'E0', 'A4', 'A', '%E0%A4%A', '%ED%A0%80', '%C0', '&', '=', '#', '+', ',', 'q', 'view', 'traffic', 'status', 'ok', 'protocol', 'vapi', 'fn') }),
      fc.webFragments(),
    );
    fc.assert(
      fc.property(garbage, (hash) => {
        const parsed = parseViewHash(hash);
        expect(['calls', 'traffic']).toContain(parsed.view);
        expect(typeof parsed.filter.text).toBe('string');
        for (const p of parsed.filter.protocols) expect(PROTOCOLS).toContain(p);
        for (const s of parsed.filter.statuses) expect(CALL_STATUSES).toContain(s);
        for (const item of [...parsed.filter.functions, ...parsed.filter.routes]) expect(item).not.toBe('');
        expect(typeof parsed.filter.onlyProblems).toBe('boolean');
        expect(typeof parsed.grouped).toBe('boolean');
        expect(typeof parsed.hideAudio).toBe('boolean');
        // What was read can be written and read back to the same state.
        expect(parseViewHash(formatViewHash(parsed))).toEqual(parsed);
      }),
      { numRuns: 1000 },
    );
  });

  it('survives the broken escapes that make decodeURIComponent throw', () => {
    for (const hash of ['#q=%E0%A4%A', '#q=%', '#q=%%', '#q=%G1', '#q=%ED%A0%80', '#q=%C0%AF', '#%=1', '#q=%E0%A4%A&q=%E0%A4%A']) {
      expect(() => parseViewHash(hash)).not.toThrow();
      expect(parseViewHash(hash).filter.text).toBe('');
    }
  });
});

describe('round trip formatViewHash -> parseViewHash', () => {
  it('gives back every state, whatever its text and names hold', () => {
    fc.assert(
      fc.property(stateArbitrary, (s) => {
        const hash = formatViewHash(s);
        expect(parseViewHash(hash)).toEqual(s);
        // As the browser hands it back (location.hash keeps the leading #).
        expect(hash === '' || hash.startsWith('#')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives an empty hash exactly for the default state', () => {
    fc.assert(
      fc.property(stateArbitrary, (s) => {
        const isDefault = JSON.stringify(s) === JSON.stringify(DEFAULT_VIEW_STATE);
        expect(formatViewHash(s) === '').toBe(isDefault);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps hand-picked hard texts', () => {
    const texts = ['&', '=', '%', '#', '+', ' ', 'a&b=c', '%E0%A4%A', '%25', '# heading', 'q=1&view=traffic', '  leading and trailing  ', 'ünïcödé 日本語 🎧👩‍👩‍👧', 'line\nbreak', '+%2B+', ',', 'a,b'];
    for (const t of texts) expect(parseViewHash(formatViewHash(state({ filter: { text: t } }))).filter.text).toBe(t);
    const statuses: CallStatus[] = ['replayed', 'pending'];
    const s = state({ filter: { statuses, protocols: ['rtvi', 'millis'], functions: ['fn with space', 'ä&=%#'], routes: ['127.0.0.1:7801'] } });
    expect(parseViewHash(formatViewHash(s))).toEqual(s);
  });
});
