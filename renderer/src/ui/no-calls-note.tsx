/**
 * The calls view with traffic but no function calls says so and why, instead of showing an empty list:
 * the traffic may be a protocol Toolscope does not read as calls, or the calls may all be filtered out.
 */
import { isFilterActive } from '../../../shared/timeline/timeline-filter.js';
import { useClearedAfterSeq, useTimelineStore } from '../state/timeline-store.js';
import { useCallRows } from '../state/use-call-rows.js';
import { useTraffic } from '../state/use-traffic.js';

export function NoCallsNote() {
  const { matched, total } = useCallRows();
  const exchanges = useTraffic((t) => t.exchanges.size);
  const connections = useTraffic((t) => t.connections.size);
  const filtered = useTimelineStore((s) => isFilterActive(s.filter));
  const resetFilter = useTimelineStore((s) => s.resetFilter);
  const setView = useTimelineStore((s) => s.setView);
  const cleared = useClearedAfterSeq() > 0;
  if (matched.length > 0 || exchanges + connections === 0) return null;
  if (total === 0 && cleared) {
    return (
      <div className="list-note" role="note" aria-label="Cleared">
        Cleared. New calls appear here as they arrive; the session file keeps everything.
      </div>
    );
  }
  if (total > 0 && filtered) {
    return (
      <div className="list-note" role="note" aria-label="No matching calls">
        No call matches the filter.{' '}
        <button type="button" className="link-button" onClick={resetFilter}>
          Clear filter
        </button>
      </div>
    );
  }
  return (
    <div className="list-note" role="note" aria-label="No function calls">
      No function calls yet in {exchanges.toLocaleString()} HTTP exchange{exchanges === 1 ? '' : 's'} and {connections.toLocaleString()} WebSocket
      connection{connections === 1 ? '' : 's'}.{' '}
      <button type="button" className="link-button" onClick={() => setView('traffic')}>
        Show the traffic
      </button>
    </div>
  );
}
