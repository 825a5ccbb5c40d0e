/**
 * Base64 and strict UTF-8 in both directions, without atob, TextDecoder or Buffer: shared/ sees neither DOM
 * nor Node types, and imported files need exact answers (is this body text? how many bytes is it?).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Map<string, number>([...ALPHABET].map((ch, i) => [ch, i]));
// Some exporters use the URL-safe alphabet; the bytes are the same.
VALUES.set('-', 62);
VALUES.set('_', 63);

/** The bytes of a base64 text, or null when it is not base64. Line breaks and missing padding are tolerated. */
export function base64ToBytes(text: string): Uint8Array | null {
  const clean = text.replace(/[\s]+/g, '').replace(/=+$/, '');
  if (clean.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (const ch of clean) {
    const value = VALUES.get(ch);
    if (value === undefined) return null;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += ALPHABET[a >> 2]!;
    out += ALPHABET[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? '=' : ALPHABET[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? '=' : ALPHABET[c & 63]!;
  }
  return out;
}

/** Exact number of bytes a (padded or unpadded) base64 text stands for. */
export function base64ByteLength(text: string): number {
  const clean = text.replace(/[\s=]+/g, '');
  return Math.floor((clean.length * 3) / 4);
}

/** The text of UTF-8 bytes, or null when they are not valid UTF-8 (overlong forms and lone surrogates included). */
export function utf8ToText(bytes: Uint8Array): string | null {
  let out = '';
  let chunk: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    let code: number;
    let length: number;
    if (b0 < 0x80) {
      code = b0;
      length = 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      code = b0 & 0x1f;
      length = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      code = b0 & 0x0f;
      length = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      code = b0 & 0x07;
      length = 4;
    } else return null;
    if (i + length > bytes.length) return null;
    for (let k = 1; k < length; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) return null;
      code = (code << 6) | (b & 0x3f);
    }
    if ((length === 3 && code < 0x800) || (length === 4 && (code < 0x10000 || code > 0x10ffff))) return null;
    if (code >= 0xd800 && code <= 0xdfff) return null;
    if (code >= 0x10000) {
      code -= 0x10000;
      chunk.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else chunk.push(code);
    i += length;
    // fromCharCode takes its arguments on the stack: convert in slices.
    if (chunk.length >= 8192) {
      out += String.fromCharCode(...chunk);
      chunk = [];
    }
  }
  return out + String.fromCharCode(...chunk);
}

/** UTF-8 bytes of a string; a lone surrogate becomes U+FFFD, as every encoder does. */
export function textToUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else code = 0xfffd;
    } else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return Uint8Array.from(out);
}
