/** One SSE event in full: its fields, its data (pretty when JSON) and its raw bytes with visible line ends. */
import type { EventOf } from '../../../shared/events.js';
import { TextBody } from './body-view.js';
import { formatBytes } from './format.js';
import { KvList, type KvEntry } from './kv-list.js';
import { ProblemBox } from './problem-box.js';
import { RawText } from './raw-text.js';

export function SseEventBody({ event, requestT, lead = [] }: { event: EventOf<'sse.event'>; requestT: number; lead?: readonly KvEntry[] }) {
  return (
    <div className="sse-event-body">
      {event.parseErrors && event.parseErrors.length > 0 && (
        <ProblemBox title="This block did not parse cleanly" tone="warning">
          <ul>
            {event.parseErrors.map((message, i) => (
              <li key={i}>{message}</li>
            ))}
          </ul>
        </ProblemBox>
      )}
      <KvList
        entries={[
          ...lead,
          ['Type', event.type ?? '(none)'],
          ['Dispatched', event.dispatched ? 'yes' : 'no: a client would not see an event for this block'],
          ['Id', event.id ?? null],
          ['Time', `+${(event.t - requestT).toFixed(1)} ms after the request`],
          ['Bytes', `${formatBytes(event.byteLength)} at offset ${event.byteOffset}`],
          event.comments && event.comments.length > 0 ? ['Comments', event.comments.join(' · ')] : null,
        ]}
      />
      {event.data !== undefined && (
        <>
          <h4>Data</h4>
          <TextBody key={event.seq} text={event.data} truncated={false} />
        </>
      )}
      <h4>Raw bytes</h4>
      <RawText text={event.raw} />
    </div>
  );
}
