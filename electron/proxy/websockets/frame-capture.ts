/**
 * What the log keeps of a WebSocket frame: its bytes up to the route's frame cap, as text when they are UTF-8
 * and base64 otherwise, with the real size. One place, because relayed, injected, held and dropped frames
 * must all be recorded the same way for the analysis and the UI to read them alike.
 */
import type { EventOf } from '../../../shared/events.js';
import { asText } from '../body-capture.js';

export type CapturedFrame = Pick<EventOf<'ws.frame'>, 'opcode' | 'encoding' | 'data' | 'size' | 'truncated'>;

export function captureFrame(buffer: Buffer, isBinary: boolean, cap: number): CapturedFrame {
  const kept = buffer.length > cap ? buffer.subarray(0, cap) : buffer;
  const truncated = kept.length < buffer.length;
  const text = isBinary ? null : asText(kept, truncated);
  return {
    opcode: isBinary ? 'binary' : 'text',
    encoding: text === null ? 'base64' : 'utf8',
    data: text ?? kept.toString('base64'),
    size: buffer.length,
    truncated,
  };
}
