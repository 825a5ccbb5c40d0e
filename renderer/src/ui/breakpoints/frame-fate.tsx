/**
 * What a breakpoint (or a mock's drop) did to a frame, where frames are listed: a badge ("edited", "dropped",
 * "held") in the frames table and the timeline, and in the frame's details a sentence, with the frame as it was
 * held when the user released it edited.
 */
import type { EventOf } from '../../../../shared/events.js';
import { frameFateWords, holdOfFrame } from '../../../../shared/breakpoints/held-items.js';
import type { PauseView } from '../../../../shared/store/traffic-state.js';
import './breakpoints.css';

type Frame = Pick<EventOf<'ws.frame'>, 'seq' | 'direction' | 'dropped'>;

/** The words for a frame's fate, or null for a frame that simply went through. */
export function frameFate(frame: Frame, pauses: readonly PauseView[] | undefined): { badge: string; sentence: string; hold: PauseView | undefined } | null {
  const hold = pauses ? holdOfFrame(pauses, frame) : undefined;
  const words = frameFateWords(frame, hold);
  return words ? { ...words, hold } : null;
}

export function FrameFateBadge({ frame, pauses }: { frame: Frame; pauses: readonly PauseView[] | undefined }) {
  const fate = frameFate(frame, pauses);
  if (!fate) return null;
  return (
    <span className={fate.badge.startsWith('dropped') ? 'frame-dropped' : 'frame-origin frame-held'} title={fate.sentence}>
      {fate.badge}
    </span>
  );
}

/** The details' part: the sentence, and what was held before an edit. */
export function FrameFateDetails({ frame, pauses }: { frame: Frame; pauses: readonly PauseView[] | undefined }) {
  const fate = frameFate(frame, pauses);
  if (!fate) return null;
  const held = fate.hold?.end?.action === 'edit' ? fate.hold.start.frame : undefined;
  return (
    <div className="bp-frame-fate" role="note" aria-label="Breakpoint">
      <p>{fate.sentence}</p>
      {held && (
        <details className="bp-sent">
          <summary>The frame as it was held, before the edit</summary>
          {held.encoding === 'utf8' ? <pre className="bp-sent-body">{held.data}</pre> : <p className="muted">A binary frame of {held.size.toLocaleString()} bytes.</p>}
        </details>
      )}
    </div>
  );
}
