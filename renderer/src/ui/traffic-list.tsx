/**
 * The traffic list: every row of the view, virtualized at a fixed row height so 100,000 rows scroll as
 * smoothly as ten. It follows the newest row until the user scrolls up, like a terminal.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { findRowIndex, rowKey } from '../state/row-key.js';
import { useSelectionStore } from '../state/selection-store.js';
import { currentTraffic, useTraffic } from '../state/use-traffic.js';
import { ROW_HEIGHT, TrafficRowView, rowDomId } from './traffic-row.js';

export function TrafficList() {
  const rows = useTraffic((s) => s.rows);
  const firstT = useTraffic((s) => s.firstT);
  const selectedKey = useSelectionStore((s) => s.selectedKey);
  const select = useSelectionStore((s) => s.select);
  const scrollRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const lastIndex = useRef(0);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    // No getItemKey: the virtualizer calls it for every row whenever the count changes, and rows are
    // append-only, so the index is a stable key for positions; React keys below use the row's own key.
  });

  // Runs after the spacer has its new height, before paint, so following never flickers.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [rows.length]);

  // A selection made elsewhere (keyboard, "Show exchange" in the details) scrolls its row into view.
  useEffect(() => {
    if (selectedKey === null) return;
    const index = findRowIndex(currentTraffic().rows, selectedKey, lastIndex.current);
    if (index < 0) return;
    lastIndex.current = index;
    virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [selectedKey, virtualizer]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT / 2;
    following.current = atBottom;
    setShowJump(!atBottom);
  }, []);

  const jumpToLatest = () => {
    const el = scrollRef.current;
    if (!el) return;
    following.current = true;
    el.scrollTop = el.scrollHeight;
    setShowJump(false);
  };

  const moveTo = (index: number) => {
    const row = rows[index];
    if (!row) return;
    lastIndex.current = index;
    select(row);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    const current = selectedKey === null ? -1 : findRowIndex(rows, selectedKey, lastIndex.current);
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        next = current < 0 ? 0 : current + 1;
        break;
      case 'ArrowUp':
      case 'k':
        next = current < 0 ? rows.length - 1 : current - 1;
        break;
      case 'PageDown':
        next = current + page;
        break;
      case 'PageUp':
        next = current < 0 ? rows.length - 1 - page : current - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      case 'Escape':
        select(null);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    moveTo(Math.min(rows.length - 1, Math.max(0, next)));
  };

  const items = virtualizer.getVirtualItems();
  const selectedRendered = selectedKey !== null && items.some((item) => rowKey(rows[item.index]!) === selectedKey);
  return (
    <div className="traffic">
      <div className="traffic-columns" aria-hidden="true">
        <span className="num">Time (ms)</span>
        <span>Kind</span>
        <span />
        <span>Name</span>
        <span>Status</span>
        <span className="num">Size</span>
        <span className="num">Duration</span>
      </div>
      <div
        ref={scrollRef}
        className="traffic-scroll"
        role="listbox"
        aria-label="Traffic"
        tabIndex={0}
        aria-activedescendant={selectedRendered && selectedKey !== null ? rowDomId(selectedKey) : undefined}
        onKeyDown={onKeyDown}
        onScroll={onScroll}
      >
        <div className="traffic-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            const key = rowKey(row);
            return <TrafficRowView key={key} row={row} rowKey={key} top={item.start} firstT={firstT} />;
          })}
        </div>
      </div>
      {showJump && (
        <button type="button" className="jump-latest" onClick={jumpToLatest}>
          Follow newest ↓
        </button>
      )}
    </div>
  );
}
