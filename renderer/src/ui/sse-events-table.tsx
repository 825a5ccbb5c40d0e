/** The SSE events of one exchange; clicking one shows its exact bytes. */
import type { EventOf } from '../../../shared/events.js';
import { CompactList } from './compact-list.js';
import { formatBytes, preview } from './format.js';

export function SseEventsTable({
  events,
  requestT,
  selected,
  onSelect,
}: {
  events: readonly EventOf<'sse.event'>[];
  requestT: number;
  selected: number | null;
  onSelect(index: number | null): void;
}) {
  return (
    <CompactList
      label="SSE events"
      items={events}
      columns="3.5em 6.5em 10em minmax(0, 1fr) 5.5em"
      header={
        <>
          <span className="num">#</span>
          <span className="num">+ms</span>
          <span>Type</span>
          <span>Data</span>
          <span className="num">Size</span>
        </>
      }
      itemLabel={(e) => `SSE event ${e.index} ${e.type ?? '(not dispatched)'}`}
      itemClass={(e) => (e.dispatched ? '' : 'dim')}
      renderCells={(e) => (
        <>
          <span className="num">{e.index}</span>
          <span className="num">{(e.t - requestT).toFixed(1)}</span>
          <span className="cell-type">{e.type ?? (e.comments?.length ? 'comment' : '(none)')}</span>
          <span className="cell-preview mono">{preview(e.data ?? e.raw, 200)}</span>
          <span className="num">{formatBytes(e.byteLength)}</span>
        </>
      )}
      selected={selected}
      onSelect={onSelect}
    />
  );
}
