/**
 * Keeps a copy of a body as it streams past, up to a cap, without ever holding up the stream: the proxy
 * pipes bytes on, this only looks. The real size is counted even past the cap.
 */
import zlib from 'node:zlib';
import type { CapturedBody, HeaderList } from '../../shared/events.js';
import { headerValue } from '../../shared/http-headers.js';

export const DEFAULT_BODY_CAP = 1024 * 1024;

export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private captured = 0;
  private total = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.captured >= this.cap) return;
    const room = this.cap - this.captured;
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(kept);
    this.captured += kept.length;
  }

  get size(): number {
    return this.total;
  }

  finish(headers: HeaderList): CapturedBody {
    const raw = Buffer.concat(this.chunks, this.captured);
    const truncated = this.total > this.captured;
    const contentEncoding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
    const body: CapturedBody = { encoding: 'utf8', data: '', size: this.total, truncated, cap: this.cap };
    let bytes: Buffer = raw;
    if (contentEncoding && contentEncoding !== 'identity') {
      body.contentEncoding = contentEncoding;
      const decoded = truncated ? null : tryDecode(raw, contentEncoding);
      if (decoded instanceof Buffer) {
        bytes = decoded.length > this.cap ? decoded.subarray(0, this.cap) : decoded;
        body.decoded = true;
        body.decodedSize = decoded.length;
        if (decoded.length > this.cap) body.truncated = true;
      } else {
        body.decoded = false;
        body.decodeError = truncated ? 'body was cut at the capture cap, so it cannot be decoded' : (decoded as string);
      }
    }
    const text = asText(bytes, body.truncated);
    if (text !== null) body.data = text;
    else {
      body.encoding = 'base64';
      body.data = bytes.toString('base64');
    }
    return body;
  }
}

function tryDecode(raw: Buffer, encoding: string): Buffer | string {
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(raw);
    if (encoding === 'deflate') return zlib.inflateSync(raw);
    if (encoding === 'br') return zlib.brotliDecompressSync(raw);
    return `unsupported content-encoding "${encoding}"`;
  } catch (error) {
    return `could not decode ${encoding}: ${(error as Error).message}`;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text when the bytes are valid UTF-8 (whatever the content-type says), else null: the caller keeps base64. */
export function asText(bytes: Buffer, truncated: boolean): string | null {
  if (bytes.length === 0) return '';
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // A cap may cut a multi-byte character in half; that alone does not make a text body binary.
    if (truncated && bytes.length > 3) {
      try {
        return strictUtf8.decode(bytes.subarray(0, trailingCharStart(bytes)));
      } catch {
        /* fall through */
      }
    }
    // Not UTF-8, whatever the content-type says: decoding it anyway would put U+FFFD where the bytes were, and
    // the capture would no longer be what was sent (replay, Copy as… and HAR export send the captured bytes).
    return null;
  }
}

function trailingCharStart(bytes: Buffer): number {
  let end = bytes.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = bytes[end - i]!;
    if ((b & 0xc0) !== 0x80) return b >= 0xc0 ? end - i : end;
  }
  return end;
}

/** Node gives raw headers as a flat [name, value, name, value, …] list; the log keeps them as pairs. */
export function headerPairs(raw: readonly string[]): HeaderList {
  const pairs: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}
