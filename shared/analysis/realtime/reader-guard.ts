/**
 * The last line of defence of a realtime reader. Readers check every field they read, but their input type
 * admits any object (a caller may pass one that JSON.parse did not make: getters, cycles, proxies), and one odd
 * frame in a session of 100,000 must never stop the analysis: a reader that fails reads the frame as not its own.
 */
import type { Protocol, RealtimeDialect, RealtimeFrameInput, RealtimeFrameReading } from '../model.js';

export function guardedDialect(protocol: Protocol, read: (frame: RealtimeFrameInput) => RealtimeFrameReading | null): RealtimeDialect {
  return {
    protocol,
    readFrame(frame: RealtimeFrameInput): RealtimeFrameReading | null {
      try {
        return read(frame);
      } catch {
        return null;
      }
    },
  };
}
