/**
 * The SSE events tab: the stream as a table (time since the request, event type, data preview, findings) and,
 * for the event clicked, its fields, its data and its raw bytes with the part a finding points at marked.
 */
import { memo, useMemo, useState } from 'react';
import type { Finding } from '../../../../shared/analysis/model.js';
import type { EventOf } from '../../../../shared/events.js';
import type { ExchangeView } from '../../../../shared/store/traffic-state.js';
import { utf8ByteLength } from '../../../../shared/text-bytes.js';
import { useAnalysis } from '../../state/use-analysis.js';
import { useTraffic } from '../../state/use-traffic.js';
import { formatBytes, formatDuration, preview } from '../format.js';
import { KvList } from '../kv-list.js';
import { ProblemBox } from '../problem-box.js';
import { TextBody } from './body-view.js';
import { FindingsList, severityIcon, worstSeverity } from './findings-list.js';
import { findingsByEvent, sseMarks } from './event-findings.js';
import { RawMarked } from './raw-marked.js';
import { VirtualTable, type Column } from './virtual-table.js';

type SseEvent = EventOf<'sse.event'>;

const COLUMNS: readonly Column[] = [
  { title: '#', className: 'num' },
  { title: 'Time', className: 'num' },
  { title: 'Type' },
  { title: 'Data' },
  { title: 'Findings' },
  { title: 'Size', className: 'num' },
];
const NO_FINDINGS: readonly Finding[] = [];

export const SseTab = memo(function SseTab({ exchangeId, focusIndex }: { exchangeId: string; focusIndex: number | undefined }) {
  const exchange = useTraffic((s) => s.exchanges.get(exchangeId));
  const findings = useAnalysis((a) => a.exchanges.get(exchangeId)?.findings) ?? NO_FINDINGS;
  const byEvent = useMemo(() => findingsByEvent(findings), [findings]);
  const [selected, setSelected] = useState<number | null>(focusIndex ?? null);
  if (!exchange) return <p className="dp-empty">This exchange is not in the current view.</p>;
  const events = exchange.sse;
  const event = selected !== null ? events[selected] : undefined;
  return (
    <div className="dp-split">
      <VirtualTable
        label="SSE events"
        className="dp-sse-table"
        columns={COLUMNS}
        template="36px 64px minmax(72px, 120px) minmax(0, 1fr) minmax(0, 160px) 60px"
        rowCount={events.length}
        selected={selected}
        onSelect={setSelected}
        scrollTo={focusIndex ?? null}
        rowClass={(i) => {
          const e = events[i]!;
          const worst = worstSeverity(byEvent.get(e.seq) ?? NO_FINDINGS);
          return `${e.dispatched ? '' : 'dim'}${worst ? ` has-finding finding-row-${worst}` : ''}`;
        }}
        renderCells={(i) => {
          const e = events[i]!;
          const own = byEvent.get(e.seq) ?? NO_FINDINGS;
          const worst = worstSeverity(own);
          return [
            e.index,
            `+${(e.t - exchange.startT).toFixed(1)}`,
            <span className="mono dp-type">{e.type ?? (e.comments?.length ? 'comment' : '(none)')}</span>,
            <span className="mono dp-preview">{preview(e.data ?? e.raw, 200)}</span>,
            worst ? (
              <span className={`finding-${worst}`} title={own.map((f) => f.message).join('\n')}>
                <span aria-hidden="true">{severityIcon(worst)}</span> <span className="mono">{own[0]!.rule}</span>
                {own.length > 1 ? ` +${own.length - 1}` : ''}
              </span>
            ) : (
              ''
            ),
            formatBytes(e.byteLength),
          ];
        }}
      />
      <StreamState exchange={exchange} />
      {event ? (
        <SseEventView key={event.seq} event={event} requestT={exchange.startT} findings={byEvent.get(event.seq) ?? NO_FINDINGS} />
      ) : (
        <p className="dp-hint">Click an event to see its data and raw bytes.</p>
      )}
    </div>
  );
});

function StreamState({ exchange }: { exchange: ExchangeView }) {
  const end = exchange.sseEnd;
  return (
    <p className="dp-hint">
      {exchange.sse.length.toLocaleString()} event{exchange.sse.length === 1 ? '' : 's'} ·{' '}
      {end ? `stream ${end.complete ? 'ended' : 'stopped'} after ${formatDuration(end.t - exchange.startT)}` : 'streaming…'}
      {end?.leftover ? ` · ${formatBytes(utf8ByteLength(end.leftover))} after the last blank line were dropped by clients` : ''}
    </p>
  );
}

function SseEventView({ event, requestT, findings }: { event: SseEvent; requestT: number; findings: readonly Finding[] }) {
  const marks = useMemo(() => sseMarks(event, findings), [event, findings]);
  return (
    <section className="dp-sub" aria-label={`SSE event ${event.index}`}>
      <h3 className="dp-sub-title">
        Event #{event.index} <span className="mono">{event.type ?? '(none)'}</span>
      </h3>
      {event.parseErrors && event.parseErrors.length > 0 && (
        <ProblemBox title="This block did not parse cleanly" tone="warning">
          <ul>
            {event.parseErrors.map((message, i) => (
              <li key={i}>{message}</li>
            ))}
          </ul>
        </ProblemBox>
      )}
      {findings.length > 0 && <FindingsList findings={findings} jump={false} />}
      <KvList
        entries={[
          ['Type', <span className="mono">{event.type ?? '(none)'}</span>],
          ['Dispatched', event.dispatched ? 'yes' : 'no: a client would not see an event for this block'],
          ['Id', event.id !== undefined ? <span className="mono">{event.id}</span> : null],
          ['Time', `+${(event.t - requestT).toFixed(1)} ms after the request`],
          ['Bytes', `${formatBytes(event.byteLength)} at offset ${event.byteOffset.toLocaleString()} of the stream`],
          event.comments && event.comments.length > 0 ? ['Comments', event.comments.join(' · ')] : null,
        ]}
      />
      {event.data !== undefined && (
        <>
          <h4 className="dp-h4">Data</h4>
          <TextBody key={event.seq} text={event.data} truncated={false} label="Event data" />
        </>
      )}
      <h4 className="dp-h4">Raw bytes{marks.length > 0 ? ' (the part a finding points at is marked)' : ''}</h4>
      <RawMarked text={event.raw} marks={marks} label="Raw event" />
    </section>
  );
}
