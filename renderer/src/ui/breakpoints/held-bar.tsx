/**
 * The held bar, under the header: what breakpoints hold right now ("Breakpoint: 1 item held · get_weather request releases
 * in 27 s"), live whatever is on screen (a recorded session too: the bot is waiting now). Selecting an item
 * opens its editor below the bar; the rest of the window stays usable meanwhile.
 */
import { useEffect, useMemo, useState } from 'react';
import { describeHeld, heldItems, secondsLeft, type HeldItem } from '../../../../shared/breakpoints/held-items.js';
import { useBreakpointsStore, watchBreakpoints } from '../../state/breakpoints-store.js';
import { useTrafficStore } from '../../state/traffic-store.js';
import { HeldEditor } from './held-editor.js';
import { PauseIcon } from './pause-icon.js';
import './breakpoints.css';

/** The items held now: the live traffic's open pauses and the core's list. */
export function useHeldItems(): HeldItem[] {
  const traffic = useTrafficStore((s) => s.traffic);
  const paused = useBreakpointsStore((s) => s.paused);
  return useMemo(() => heldItems(traffic, paused), [traffic, paused]);
}

/** The current time, moving every `ms` while mounted (countdowns). */
export function useNow(ms = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function HeldBar() {
  useEffect(() => watchBreakpoints(), []);
  const items = useHeldItems();
  const openPauseId = useBreakpointsStore((s) => s.openPauseId);
  const openPause = useBreakpointsStore((s) => s.openPause);
  const [notice, setNotice] = useState<string | null>(null);
  // One clock for the bar and the editor, so their countdowns agree.
  const now = useNow();
  const open = items.find((i) => i.pauseId === openPauseId) ?? null;

  // A notice (what the last action did) outlives the item it was about, for a while.
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(timer);
  }, [notice]);

  if (items.length === 0 && !notice) return null;
  return (
    <section className="held-bar" role="region" aria-label="Held by breakpoints">
      <div className="held-bar-row">
        {items.length > 0 ? (
          <>
            <strong className="held-count">
              <PauseIcon /> Breakpoint{items.length === 1 ? '' : 's'}: {items.length} item{items.length === 1 ? '' : 's'} held
            </strong>
            <ul className="held-items" aria-label="Held items">
              {items.map((item) => (
                <li key={item.pauseId}>
                  <HeldItemButton item={item} now={now} open={item.pauseId === openPauseId} onClick={() => openPause(item.pauseId === openPauseId ? null : item.pauseId)} />
                </li>
              ))}
            </ul>
            {!open && <span className="dialog-hint">Select one to edit it, release it, answer it or drop it.</span>}
          </>
        ) : null}
        <span role="status" className="held-notice">
          {notice ?? ''}
        </span>
      </div>
      {open && (
        <HeldEditor
          key={open.pauseId}
          item={open}
          now={now}
          onDone={(sentence) => {
            setNotice(sentence);
            openPause(null);
          }}
        />
      )}
    </section>
  );
}

function HeldItemButton({ item, now, open, onClick }: { item: HeldItem; now: number; open: boolean; onClick: () => void }) {
  const left = secondsLeft(item.releaseAt, now);
  const what = describeHeld(item);
  return (
    <button type="button" className={`held-item${open ? ' held-item-open' : ''}`} aria-pressed={open} aria-label={`Held: ${what}, releases in ${left} s`} onClick={onClick}>
      <span className="mono">{what}</span> <span className="held-left num">releases in {left} s</span>
    </button>
  );
}
