/**
 * A short, virtualized, selectable list inside a detail view (the SSE events of an exchange, the frames of
 * a connection). A realtime connection can carry tens of thousands of audio frames, so only the visible
 * rows are rendered.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

const ROW_HEIGHT = 22;
const MAX_HEIGHT = 264;

export interface CompactListProps<T> {
  label: string;
  items: readonly T[];
  columns: string;
  header: ReactNode;
  renderCells(item: T, index: number): ReactNode;
  itemLabel(item: T, index: number): string;
  itemClass?(item: T, index: number): string;
  selected: number | null;
  onSelect(index: number | null): void;
}

export function CompactList<T>(props: CompactListProps<T>) {
  const { items, selected, onSelect } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  useEffect(() => {
    if (selected !== null) virtualizer.scrollToIndex(selected, { align: 'auto' });
  }, [selected, virtualizer]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (items.length === 0) return;
    const step = event.key === 'ArrowDown' || event.key === 'j' ? 1 : event.key === 'ArrowUp' || event.key === 'k' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    event.stopPropagation();
    const next = selected === null ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, selected + step));
    onSelect(next);
  };

  const height = Math.min(MAX_HEIGHT, Math.max(1, items.length) * ROW_HEIGHT);
  return (
    <div className="compact-list" style={{ ['--columns' as string]: props.columns }}>
      <div className="compact-list-head" aria-hidden="true">
        {props.header}
      </div>
      <div
        ref={scrollRef}
        className="compact-list-scroll"
        style={{ height }}
        role="listbox"
        aria-label={props.label}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((virtual) => {
            const item = items[virtual.index]!;
            const isSelected = virtual.index === selected;
            return (
              <div
                key={virtual.index}
                role="option"
                aria-selected={isSelected}
                aria-label={props.itemLabel(item, virtual.index)}
                className={`compact-row${isSelected ? ' selected' : ''} ${props.itemClass?.(item, virtual.index) ?? ''}`}
                style={{ transform: `translateY(${virtual.start}px)` }}
                onClick={() => onSelect(isSelected ? null : virtual.index)}
              >
                {props.renderCells(item, virtual.index)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
