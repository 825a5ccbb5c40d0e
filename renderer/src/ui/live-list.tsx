/**
 * A virtualized, keyboard-driven list that follows live data: the calls timeline and the traffic view are
 * both this list with different rows.
 *
 * - Fixed row height, so 100,000 rows scroll as smoothly as ten.
 * - It follows the newest row until the user scrolls up; then new rows do not move the view, and a pill says
 *   how many arrived ("12 new"), like a chat or a terminal with scrollback.
 * - Keys: ↑/↓ or j/k move, PageUp/PageDown/Home/End jump, Enter opens the details, Esc closes them,
 *   → and ← unfold and fold a group or an audio run.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export const ROW_HEIGHT = 22;

export function rowDomId(key: string): string {
  return `row-${key}`;
}

export interface LiveListProps {
  label: string;
  count: number;
  keyAt(index: number): string;
  renderRow(index: number, top: number): ReactNode;
  selectedKey: string | null;
  /** Moves the cursor to a row; the list does not decide whether the details open. */
  onCursor(index: number): void;
  onOpen(): void;
  onClose(): void;
  /** → (true) and ← (false) on a foldable row. */
  onFold?(index: number, open: boolean): void;
  columns: ReactNode;
  className?: string;
  /**
   * Follow the newest row (live traffic). Off for a session opened from a file: it is read from the top, like
   * a document, and the rows arriving while it loads are not news.
   */
  follow?: boolean;
}

export function LiveList(props: LiveListProps) {
  const { count, keyAt, selectedKey } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const live = props.follow !== false;
  const following = useRef(live);
  /** Row count when the user left the bottom; the pill counts from there. */
  const [leftAt, setLeftAt] = useState<number | null>(null);
  const lastIndex = useRef(0);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  // After the spacer has its new height and before paint, so following never flickers.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [count]);

  const indexOf = useCallback(
    (key: string): number => {
      const hint = lastIndex.current;
      if (hint < count && keyAt(hint) === key) return hint;
      for (let i = count - 1; i >= 0; i--) if (keyAt(i) === key) return i;
      return -1;
    },
    [count, keyAt],
  );

  // A selection made elsewhere (a finding's "Show event", the other view) scrolls its row into view.
  useEffect(() => {
    if (selectedKey === null) return;
    const index = indexOf(selectedKey);
    if (index < 0) return;
    lastIndex.current = index;
    virtualizer.scrollToIndex(index, { align: 'auto' });
    // Only when the selection changes, not on every new row.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedKey]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT / 2;
    following.current = live && atBottom;
    setLeftAt((current) => (!live || atBottom ? null : (current ?? count)));
  }, [count, live]);

  // Back to live from a session: follow again, from the newest row.
  useLayoutEffect(() => {
    following.current = live;
    setLeftAt(null);
    const el = scrollRef.current;
    if (el) el.scrollTop = live ? el.scrollHeight : 0;
  }, [live]);

  const jumpToNewest = () => {
    const el = scrollRef.current;
    if (!el) return;
    following.current = true;
    el.scrollTop = el.scrollHeight;
    setLeftAt(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'Escape') {
      props.onClose();
      event.preventDefault();
      return;
    }
    if (count === 0) return;
    const current = selectedKey === null ? -1 : indexOf(selectedKey);
    if (event.key === 'Enter') {
      if (current < 0) props.onCursor(count - 1);
      props.onOpen();
      event.preventDefault();
      return;
    }
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && props.onFold && current >= 0) {
      props.onFold(current, event.key === 'ArrowRight');
      event.preventDefault();
      return;
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        next = current < 0 ? 0 : current + 1;
        break;
      case 'ArrowUp':
      case 'k':
        next = current < 0 ? count - 1 : current - 1;
        break;
      case 'PageDown':
        next = current + page;
        break;
      case 'PageUp':
        next = current < 0 ? count - 1 - page : current - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    next = Math.min(count - 1, Math.max(0, next));
    lastIndex.current = next;
    props.onCursor(next);
  };

  const items = virtualizer.getVirtualItems();
  const activeRendered = selectedKey !== null && items.some((item) => item.index < count && keyAt(item.index) === selectedKey);
  const fresh = leftAt === null ? 0 : Math.max(0, count - leftAt);
  return (
    <div className={`live-list ${props.className ?? ''}`}>
      <div className="list-columns" aria-hidden="true">
        {props.columns}
      </div>
      <div
        ref={scrollRef}
        className="list-scroll"
        role="listbox"
        aria-label={props.label}
        tabIndex={0}
        aria-activedescendant={activeRendered && selectedKey !== null ? rowDomId(selectedKey) : undefined}
        onKeyDown={onKeyDown}
        onScroll={onScroll}
      >
        <div className="list-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => (item.index < count ? props.renderRow(item.index, item.start) : null))}
        </div>
      </div>
      {leftAt !== null && (
        <button type="button" className="new-pill" onClick={jumpToNewest} aria-label={fresh > 0 ? `${fresh} new, jump to newest` : 'Jump to newest'}>
          {fresh > 0 ? `${fresh.toLocaleString()} new ↓` : 'Newest ↓'}
        </button>
      )}
    </div>
  );
}
