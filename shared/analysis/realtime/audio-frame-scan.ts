/**
 * The analyzer's fast path for audio frames. About nine realtime frames in ten carry base64 audio (a few KiB
 * each) and all the analysis records of one is its message type and that it is audio; parsing every one in full
 * was the largest cost of live analysis. `scanAudioFrame` checks the text the way JSON.parse would (the whole
 * grammar, without building anything: strings are skipped with one sticky regex) and reads only the top-level
 * keys the dialects look at before they call a frame audio: `type`, `label` and ElevenLabs' typeless
 * `user_audio_chunk`.
 *
 * It answers only when it is certain: the text is one valid JSON object, it has no `label` (RTVI's envelope, which
 * the RTVI reader checks field by field), and its last top-level `type` (JSON.parse keeps the last of duplicate
 * keys) is one of `AUDIO_FRAME_TYPES`, or it has no `type` and a string `user_audio_chunk`. Anything else (other
 * types, escaped keys, a non-string type, deep nesting, invalid JSON) returns null, and the analyzer parses the
 * frame in full. What the audio frame is read as (protocol, message type, direction checks) is still decided by
 * the realtime readers themselves, on a frame holding only these keys (see `Analyzer.readFrame`).
 */

/**
 * Message types whose reading depends only on the type, the absence of a label and the direction, never on the
 * other fields: the audio events of OpenAI Realtime (GA and beta), NavTalk and ElevenLabs. RTVI's `raw-audio`
 * is not here: its envelope (`label`, `id`) is checked first.
 */
export const AUDIO_FRAME_TYPES: ReadonlySet<string> = new Set([
  'input_audio_buffer.append',
  'response.audio.delta',
  'response.output_audio.delta',
  'realtime.input_audio_buffer.append',
  'realtime.response.audio.delta',
  'audio',
]);

/** What the scan found: the frame's audio type, or `null` type for a typeless frame with a string `user_audio_chunk`. */
export interface AudioFrameKeys {
  type: string | null;
}

/** Deeper than this, the scan leaves the frame to JSON.parse (audio frames are one or two levels deep). */
const MAX_DEPTH = 16;

/** The characters a JSON string holds without an escape: everything but `"`, `\` and U+0000–U+001F. */
const PLAIN_CHARS = /[^"\\\u0000-\u001f]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

const QUOTE = 34;
const BACKSLASH = 92;

/** Where a scanned string ends, and whether it had escapes (its text then differs from its value). */
let escaped = false;

/** Index after the closing quote of the string starting at `i` (a quote), or -1 when it is not valid JSON. */
function skipString(text: string, i: number): number {
  escaped = false;
  let j = i + 1;
  for (;;) {
    PLAIN_CHARS.lastIndex = j;
    PLAIN_CHARS.test(text);
    j = PLAIN_CHARS.lastIndex;
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j + 1;
    if (c !== BACKSLASH) return -1; // a control character, or the end of the text
    escaped = true;
    const n = text.charCodeAt(j + 1);
    if (n === 117 /* u */) {
      HEX4.lastIndex = j + 2;
      if (!HEX4.test(text)) return -1;
      j += 6;
    } else if (n === QUOTE || n === BACKSLASH || n === 47 /* / */ || n === 98 /* b */ || n === 102 /* f */ || n === 110 /* n */ || n === 114 /* r */ || n === 116 /* t */) {
      j += 2;
    } else {
      return -1;
    }
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** Index after the JSON value starting at `i` (no leading space), or -1 when it is not valid JSON (or too deep). */
function skipValue(text: string, i: number, depth: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === 123 /* { */ || c === 91 /* [ */) {
    if (depth >= MAX_DEPTH) return -1;
    const object = c === 123;
    const close = object ? 125 : 93;
    let j = skipSpace(text, i + 1);
    if (text.charCodeAt(j) === close) return j + 1;
    for (;;) {
      if (object) {
        if (text.charCodeAt(j) !== QUOTE) return -1;
        j = skipString(text, j);
        if (j < 0) return -1;
        j = skipSpace(text, j);
        if (text.charCodeAt(j) !== 58 /* : */) return -1;
        j = skipSpace(text, j + 1);
      }
      j = skipValue(text, j, depth + 1);
      if (j < 0) return -1;
      j = skipSpace(text, j);
      const next = text.charCodeAt(j);
      if (next === close) return j + 1;
      if (next !== 44 /* , */) return -1;
      j = skipSpace(text, j + 1);
    }
  }
  if (c === 116 /* t */) return text.startsWith('true', i) ? i + 4 : -1;
  if (c === 102 /* f */) return text.startsWith('false', i) ? i + 5 : -1;
  if (c === 110 /* n */) return text.startsWith('null', i) ? i + 4 : -1;
  NUMBER.lastIndex = i;
  return NUMBER.test(text) ? NUMBER.lastIndex : -1;
}

/** Whether the key spanning `[start, end)` (quotes included, no escapes) is `name`. */
function keyIs(text: string, start: number, end: number, name: string): boolean {
  return end - start - 2 === name.length && text.startsWith(name, start + 1);
}

/**
 * The audio type of a frame that is certainly an audio frame's JSON (see the module comment), or null when the
 * frame must be parsed in full.
 */
export function scanAudioFrame(text: string): AudioFrameKeys | null {
  let j = skipSpace(text, 0);
  if (text.charCodeAt(j) !== 123 /* { */) return null;
  j = skipSpace(text, j + 1);
  let type: string | undefined;
  let userAudioChunk = false;
  if (text.charCodeAt(j) !== 125 /* } */) {
    for (;;) {
      if (text.charCodeAt(j) !== QUOTE) return null;
      const keyStart = j;
      j = skipString(text, j);
      // An escaped key could spell any name: leave it to JSON.parse.
      if (j < 0 || escaped) return null;
      const keyEnd = j;
      j = skipSpace(text, j);
      if (text.charCodeAt(j) !== 58 /* : */) return null;
      j = skipSpace(text, j + 1);
      const valueStart = j;
      j = skipValue(text, j, 1);
      if (j < 0) return null;
      if (keyIs(text, keyStart, keyEnd, 'type')) {
        // Not a string, or an escaped one: the full path decides.
        if (text.charCodeAt(valueStart) !== QUOTE || escaped) return null;
        type = text.slice(valueStart + 1, j - 1);
        if (!AUDIO_FRAME_TYPES.has(type)) return null;
      } else if (keyIs(text, keyStart, keyEnd, 'label')) {
        return null;
      } else if (keyIs(text, keyStart, keyEnd, 'user_audio_chunk')) {
        userAudioChunk = text.charCodeAt(valueStart) === QUOTE;
      }
      j = skipSpace(text, j);
      const next = text.charCodeAt(j);
      if (next === 125 /* } */) break;
      if (next !== 44 /* , */) return null;
      j = skipSpace(text, j + 1);
    }
  }
  // JSON.parse refuses anything but space after the value.
  if (skipSpace(text, j + 1) !== text.length) return null;
  if (type !== undefined) return { type };
  return userAudioChunk ? { type: null } : null;
}
