/**
 * What the user hands the core to send (an edited body, an injected or edited frame, a resent request) as
 * bytes, and the headers the proxy frames a message with itself. One place, so every path that sends what a
 * user typed reads base64 the same way and drops the same framing headers.
 */
import { base64ToBytes } from '../../shared/base64-utf8.js';

/** Text as UTF-8 bytes, or base64 decoded; null when it is marked base64 but is not valid base64. */
export function outgoingBytes(encoding: 'utf8' | 'base64', data: string): Buffer | null {
  if (encoding === 'utf8') return Buffer.from(data, 'utf8');
  const bytes = base64ToBytes(data);
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
}

/** Headers that frame a message: the proxy sets them from what it actually sends. */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);
