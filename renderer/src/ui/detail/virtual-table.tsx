/**
 * A dense, selectable table whose rows are rendered only while visible (a realtime connection can carry
 * 100,000 frames). ARIA table semantics with aria-rowcount/aria-rowindex so the virtual rows still say where
 * they are; ↑/↓ (and j/k), Home/End move the selection when the table has focus.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

export const ROW_HEIGHT = 22;

export interface Column {
  title: string;
  className?: string;
}

export function VirtualTable({
  label,
  columns,
  template,
  rowCount,
  renderCells,
  rowClass,
  selected,
  onSelect,
  scrollTo,
  className,
}: {
  label: string;
  columns: readonly Column[];
  /** CSS grid-template-columns of the rows. */
  template: string;
  rowCount: number;
  /** The cells of row `index`, one per column. */
  renderCells(index: number): ReactNode[];
  rowClass?(index: number): string;
  selected: number | null;
  onSelect(index: number): void;
  /** A row to bring into view when it changes (the selection's row, an audio run). */
  scrollTo?: number | null;
  className?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  useEffect(() => {
    if (scrollTo !== null && scrollTo !== undefined && scrollTo < rowCount) virtualizer.scrollToIndex(scrollTo, { align: 'center' });
    // Only when the target changes: new rows streaming in must not pull the view back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scrollTo]);

  const move = (index: number) => {
    onSelect(index);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (rowCount === 0) return;
    let next: number | null = null;
    if (event.key === 'ArrowDown' || event.key === 'j') next = selected === null ? 0 : Math.min(rowCount - 1, selected + 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') next = selected === null ? rowCount - 1 : Math.max(0, selected - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = rowCount - 1;
    else if (event.key === 'PageDown' || event.key === 'PageUp') {
      const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
      const from = selected ?? 0;
      next = event.key === 'PageDown' ? Math.min(rowCount - 1, from + page) : Math.max(0, from - page);
    }
    if (next === null) return;
    event.preventDefault();
    event.stopPropagation();
    move(next);
  };

  return (
    <div className={`vt ${className ?? ''}`} role="table" aria-label={label} aria-rowcount={rowCount + 1} style={{ ['--vt-columns' as string]: template }}>
      <div role="rowgroup" className="vt-head">
        <div role="row" aria-rowindex={1} className="vt-row vt-head-row">
          {columns.map((c, i) => (
            <span key={i} role="columnheader" className={c.className}>
              {c.title}
            </span>
          ))}
        </div>
      </div>
      <div
        ref={scrollRef}
        role="rowgroup"
        className="vt-body"
        style={{ height: Math.max(1, rowCount) * ROW_HEIGHT }}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div className="vt-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const isSelected = v.index === selected;
            return (
              <div
                key={v.index}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={isSelected}
                className={`vt-row${isSelected ? ' selected' : ''} ${rowClass?.(v.index) ?? ''}`}
                style={{ transform: `translateY(${v.start}px)` }}
                onClick={() => onSelect(v.index)}
              >
                {renderCells(v.index).map((cell, i) => (
                  <span key={i} role="cell" className={columns[i]?.className}>
                    {cell}
                  </span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
