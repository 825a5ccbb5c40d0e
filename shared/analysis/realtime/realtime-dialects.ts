/**
 * The realtime dialects Toolscope recognises, in the order they are tried. Detection is by content, one frame at
 * a time, and each reader claims only what is unmistakably its own, so the order does not change the answer:
 * RTVI has a `label` (or a kebab-case RTVI type), NavTalk types start with `realtime.` / `conversation.connected.`
 * / `webrtc.signaling.`, OpenAI types are dotted OpenAI event names, ElevenLabs types are known snake_case names.
 */
import type { RealtimeDialect, RealtimeFrameInput, RealtimeFrameReading } from '../model.js';
import { elevenLabsDialect } from './elevenlabs.js';
import { navTalkDialect } from './navtalk.js';
import { openAiRealtimeDialect } from './openai-realtime.js';
import type { RtviReaderOptions } from './rtvi.js';
import { rtviDialect } from './rtvi.js';

export interface RealtimeDialectOptions {
  /** What is known of the RTVI bot (from its `bot-ready`), to tell removed 0.x messages from valid ones. */
  rtvi?: RtviReaderOptions;
}

export function realtimeDialects(options: RealtimeDialectOptions = {}): RealtimeDialect[] {
  return [rtviDialect(options.rtvi ?? {}), navTalkDialect, openAiRealtimeDialect, elevenLabsDialect];
}

/** The first dialect that claims the frame reads it; null when none does (the frame stays plain). */
export function readRealtimeFrame(frame: RealtimeFrameInput, dialects: readonly RealtimeDialect[]): RealtimeFrameReading | null {
  for (const dialect of dialects) {
    let reading: RealtimeFrameReading | null = null;
    try {
      reading = dialect.readFrame(frame);
    } catch {
      // A dialect from elsewhere that throws is treated as not claiming the frame.
      reading = null;
    }
    if (reading) return reading;
  }
  return null;
}
