/** One WebSocket frame selected in the traffic list. */
import { useSelectionStore } from '../state/selection-store.js';
import { useTraffic } from '../state/use-traffic.js';
import { connectionUrl } from './connection-detail.js';
import { directionArrow, directionWords } from './direction.js';
import { FrameData } from './frame-data.js';
import { formatClock, messageType } from './format.js';
import { KvList } from './kv-list.js';

export function FrameDetail({ connectionId, index }: { connectionId: string; index: number }) {
  const connection = useTraffic((s) => s.connections.get(connectionId));
  const frame = connection?.frames[index];
  const select = useSelectionStore((s) => s.select);
  if (!connection || !frame) return <p className="muted">This frame is not in the current view.</p>;
  const type = frame.opcode === 'text' ? messageType(frame.data) : null;
  return (
    <article className="detail" aria-label={`Frame ${index} ${directionWords(frame.direction)}`}>
      <h2 className="detail-title">
        <span className={`dir dir-${frame.direction}`}>{directionArrow(frame.direction)}</span> Frame {directionWords(frame.direction)}
        {type && <span className="mono"> · {type}</span>}
      </h2>
      <KvList
        entries={[
          [
            'Connection',
            <>
              <span className="mono">{connectionUrl(connection)}</span>{' '}
              <button type="button" className="link-button" onClick={() => select({ kind: 'connection', seq: connection.open?.seq ?? connection.failed?.seq ?? 0, id: connection.id })}>
                Show connection
              </button>
            </>,
          ],
          ['Frame', `#${index} of ${connection.frames.length.toLocaleString()}`],
          ['Time', `${formatClock(frame.t)} · +${(frame.t - connection.startT).toFixed(1)} ms after the connection opened`],
        ]}
      />
      <FrameData key={frame.seq} frame={frame} />
    </article>
  );
}
