/** The right-hand pane: the details of the selected row. */
import { useSelectionStore } from '../state/selection-store.js';
import { ConnectionDetail } from './connection-detail.js';
import { ExchangeDetail } from './exchange-detail.js';
import { FrameDetail } from './frame-detail.js';
import { CoreErrorDetail, RouteEventDetail } from './route-detail.js';
import { SseEventDetail } from './sse-event-detail.js';

export function DetailPane() {
  const row = useSelectionStore((s) => s.selectedRow);
  const key = useSelectionStore((s) => s.selectedKey);
  return (
    <section className="details" role="region" aria-label="Details">
      {!row ? (
        <div className="details-empty">
          <p>Select a row to see its details.</p>
          <p className="muted">
            <kbd>↑</kbd> <kbd>↓</kbd> or <kbd>j</kbd> <kbd>k</kbd> move through the list.
          </p>
        </div>
      ) : row.kind === 'exchange' ? (
        <ExchangeDetail key={key} id={row.id} />
      ) : row.kind === 'sse' ? (
        <SseEventDetail key={key} exchangeId={row.exchangeId} index={row.index} />
      ) : row.kind === 'connection' ? (
        <ConnectionDetail key={key} id={row.id} />
      ) : row.kind === 'frame' ? (
        <FrameDetail key={key} connectionId={row.connectionId} index={row.index} />
      ) : row.kind === 'route' ? (
        <RouteEventDetail key={key} event={row.event} />
      ) : (
        <CoreErrorDetail key={key} event={row.event} />
      )}
    </section>
  );
}
