/** A stable string key for each traffic row: React keys, selection, and DOM ids. */
import type { TrafficRow } from '../../../shared/store/traffic-state.js';

export function rowKey(row: TrafficRow): string {
  switch (row.kind) {
    case 'exchange':
      return `x-${row.id}`;
    case 'sse':
      return `s-${row.exchangeId}-${row.index}`;
    case 'connection':
      return `c-${row.id}`;
    case 'frame':
      return `f-${row.connectionId}-${row.index}`;
    case 'route':
      return `r-${row.seq}`;
    case 'error':
      return `e-${row.seq}`;
  }
}

/** Where a row is in the list: `hint` first (rows only grow, so an old index is usually still right). */
export function findRowIndex(rows: readonly TrafficRow[], key: string, hint: number): number {
  const at = rows[hint];
  if (at && rowKey(at) === key) return hint;
  for (let i = rows.length - 1; i >= 0; i--) if (rowKey(rows[i]!) === key) return i;
  return -1;
}
