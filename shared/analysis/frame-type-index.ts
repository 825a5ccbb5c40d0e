/**
 * What each realtime frame was read as (by its event's sequence number), kept across folds without copying.
 *
 * The other parts of the analysis state are copied once per batch, which is cheap for their few thousand
 * entries; this one has an entry per frame, and copying 100,000 entries for every live batch (or every slice of
 * a session being opened) made folding quadratic. Entries are only ever added, each under a new sequence
 * number, so every version shares one Map: an older version may hold entries of later frames, but it is only
 * asked about frames it knows. A new log (reset, New session) starts from `FrameTypeIndex.empty()`.
 */
import type { Protocol } from './model.js';

export interface FrameType {
  protocol: Protocol;
  messageType: string;
  audio: boolean;
}

/** The read-only side, which is all the views need. */
export interface FrameTypeLookup<T = FrameType> {
  get(seq: number): T | undefined;
}

export class FrameTypeIndex implements FrameTypeLookup {
  private constructor(
    private readonly entries: Map<number, FrameType>,
    /** Entries added up to this version; a new count means a new version (React selectors compare identity). */
    readonly size: number,
  ) {}

  static empty(): FrameTypeIndex {
    return new FrameTypeIndex(new Map(), 0);
  }

  get(seq: number): FrameType | undefined {
    return this.entries.get(seq);
  }

  /** A new version with these entries added; this version stays valid for every frame it knew. */
  with(additions: ReadonlyMap<number, FrameType>): FrameTypeIndex {
    if (additions.size === 0) return this;
    for (const [seq, type] of additions) this.entries.set(seq, type);
    return new FrameTypeIndex(this.entries, this.size + additions.size);
  }
}
