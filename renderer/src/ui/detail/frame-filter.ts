/**
 * Which frames of a connection the Frames tab lists: audio hidden or not, and a text filter over the message
 * type, the direction and the head of the data. A realtime connection can carry 100,000 frames and grows
 * while it is shown, so a growing frame list is filtered from where the last pass stopped. Pure, no DOM.
 */
import type { FrameTypeLookup } from '../../../../shared/analysis/frame-type-index.js';
import type { EventOf } from '../../../../shared/events.js';
import { isAudioFrame, type FrameTypes } from '../../../../shared/timeline/audio-runs.js';
import { directionWords } from '../direction.js';
import { messageType } from '../format.js';

type Frame = EventOf<'ws.frame'>;

/** Only the head of a frame is searched: base64 audio must not make each keystroke scan megabytes. */
const SEARCHED_CHARS = 2000;

export interface FrameFilterOptions {
  hideAudio: boolean;
  /** Lower-case text to look for; empty for none. */
  needle: string;
}

export interface FrameFilterResult {
  frames: readonly Frame[];
  options: FrameFilterOptions;
  /** Indexes into `frames` of the frames shown, in order. */
  indexes: readonly number[];
}

/** The name a frame goes by: the analysis' message type, else a `type` read from its text, else its opcode. */
export function frameTypeName(frame: Frame, frameTypes: FrameTypeLookup<{ messageType?: string }>): string {
  const known = frameTypes.get(frame.seq)?.messageType;
  if (known) return known;
  if (frame.opcode === 'text') return messageType(frame.data) ?? 'text';
  return 'binary';
}

export function frameMatches(frame: Frame, frameTypes: FrameTypes & FrameTypeLookup<{ messageType?: string }>, options: FrameFilterOptions): boolean {
  if (options.hideAudio && isAudioFrame(frame, frameTypes)) return false;
  if (!options.needle) return true;
  const { needle } = options;
  if (frameTypeName(frame, frameTypes).toLowerCase().includes(needle)) return true;
  if (directionWords(frame.direction).includes(needle)) return true;
  if (frame.encoding !== 'utf8') return false;
  const head = frame.data.length > SEARCHED_CHARS ? frame.data.slice(0, SEARCHED_CHARS) : frame.data;
  return head.toLowerCase().includes(needle);
}

/**
 * Filters `frames`, continuing from `previous` when it filtered a prefix of the same list with the same
 * options (frames are only ever appended; the fold copies the array per batch but keeps its elements).
 */
export function filterFrames(
  previous: FrameFilterResult | null,
  frames: readonly Frame[],
  frameTypes: FrameTypes & FrameTypeLookup<{ messageType?: string }>,
  options: FrameFilterOptions,
): FrameFilterResult {
  if (previous && previous.frames === frames && sameOptions(previous.options, options)) return previous;
  const continues =
    previous !== null &&
    sameOptions(previous.options, options) &&
    previous.frames.length <= frames.length &&
    (previous.frames.length === 0 || previous.frames[previous.frames.length - 1] === frames[previous.frames.length - 1]);
  const indexes = continues ? previous.indexes.slice() : [];
  if (!options.hideAudio && !options.needle && !continues) {
    // Nothing to filter: every frame, without looking at any.
    return { frames, options, indexes: Array.from({ length: frames.length }, (_, i) => i) };
  }
  for (let i = continues ? previous.frames.length : 0; i < frames.length; i++) {
    if (frameMatches(frames[i]!, frameTypes, options)) indexes.push(i);
  }
  return { frames, options, indexes };
}

function sameOptions(a: FrameFilterOptions, b: FrameFilterOptions): boolean {
  return a.hideAudio === b.hideAudio && a.needle === b.needle;
}
