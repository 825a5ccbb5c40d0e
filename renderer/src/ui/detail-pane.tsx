/**
 * The details pane: the selected call, exchange, SSE event, connection, frame or audio run, in tabs (Call,
 * Request, Response, SSE events, Connection, Frames, Findings). Which tabs a selection has and which one opens
 * is decided by state/detail-subject.ts; route and core-error rows keep their one-page details.
 */
import { useId, type ReactNode } from 'react';
import { useActiveTab, useDetailModel, type DetailSubject, type DetailTabId, type SubjectModel } from '../state/detail-subject.js';
import { useDetailTabStore } from '../state/detail-tab-store.js';
import { useSelectionStore } from '../state/selection-store.js';
import { useLiveRetention } from '../state/live-feed.js';
import { useViewStore } from '../state/view-store.js';
import { useAnalysis } from '../state/use-analysis.js';
import { useTraffic } from '../state/use-traffic.js';
import { CallStatusBadge, CallTab } from './detail/call-tab.js';
import { ConnectionTab, connectionTone, connectionUrl } from './detail/connection-tab.js';
import { DetailTabs, panelDomId, tabDomId } from './detail/detail-tabs.js';
import { RequestTab, ResponseTab } from './detail/exchange-tabs.js';
import { FindingsTab, worstSeverity } from './detail/findings-list.js';
import { FramesTab } from './detail/frames-tab.js';
import { CoreErrorDetail, RouteEventDetail } from './detail/route-detail.js';
import { SseTab } from './detail/sse-tab.js';
import { exchangeStatusText, exchangeStatusTone } from './exchange-status.js';
import { formatDuration } from './format.js';
import './detail/detail.css';

export function DetailPane() {
  const model = useDetailModel();
  return (
    <section className="detail-pane" role="region" aria-label="Details">
      {model.kind === 'none' ? (
        <div className="dp-placeholder">
          <p>Select a call or a row to see its details.</p>
          <p className="muted">
            <kbd>↑</kbd> <kbd>↓</kbd> or <kbd>j</kbd> <kbd>k</kbd> move through the list.
          </p>
        </div>
      ) : model.kind === 'missing' ? (
        <MissingSubject what={model.what} />
      ) : model.kind === 'route' ? (
        <div className="dp-simple">
          <CloseButton />
          <RouteEventDetail event={model.row.event} />
        </div>
      ) : model.kind === 'core-error' ? (
        <div className="dp-simple">
          <CloseButton />
          <CoreErrorDetail event={model.row.event} />
        </div>
      ) : (
        <SubjectDetail model={model} />
      )}
    </section>
  );
}

/** The selected item is gone: filtered out, cleared, or no longer kept in memory for the live session. */
function MissingSubject({ what }: { what: string }) {
  const dropped = useLiveRetention((s) => s.dropped);
  const viewingFile = useViewStore((s) => s.session !== null);
  return (
    <div className="dp-simple">
      <CloseButton />
      <div className="dp-placeholder">
        <p>This {what} is not in the current view.</p>
        {dropped > 0 && !viewingFile && (
          <p className="muted">
            If it was one of the oldest, Toolscope no longer keeps it in memory: it is in the session file (Sessions…).
          </p>
        )}
      </div>
    </div>
  );
}

function CloseButton() {
  const setPaneOpen = useSelectionStore((s) => s.setPaneOpen);
  return (
    <button type="button" className="dp-close" aria-label="Close details" title="Close details (Esc)" onClick={() => setPaneOpen(false)}>
      ×
    </button>
  );
}

function SubjectDetail({ model }: { model: SubjectModel }) {
  const active = useActiveTab(model) ?? model.defaultTab;
  const choose = useDetailTabStore((s) => s.choose);
  const idBase = `dp${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const { subject, findings } = model;
  const worst = worstSeverity(findings);
  return (
    <SubjectArticle subject={subject}>
      <DetailTabs
        idBase={idBase}
        tabs={model.tabs}
        active={active}
        onChoose={(tab) => choose(tab, model.key)}
        leading={<CloseButton />}
        badges={
          findings.length > 0
            ? { findings: { text: String(findings.length), tone: `finding-${worst ?? 'info'}` } }
            : undefined
        }
      />
      <div
        key={model.key}
        className="dp-panel"
        role="tabpanel"
        id={panelDomId(idBase, active)}
        aria-labelledby={tabDomId(idBase, active)}
        tabIndex={0}
      >
        <TabContent tab={active} model={model} />
      </div>
    </SubjectArticle>
  );
}

function TabContent({ tab, model }: { tab: DetailTabId; model: SubjectModel }) {
  const { subject } = model;
  switch (tab) {
    case 'call':
      return subject.callKey !== undefined ? <CallTab callKey={subject.callKey} /> : null;
    case 'request':
      return subject.exchangeId !== undefined ? <RequestTab exchangeId={subject.exchangeId} /> : null;
    case 'response':
      return subject.exchangeId !== undefined ? <ResponseTab exchangeId={subject.exchangeId} /> : null;
    case 'sse':
      return subject.exchangeId !== undefined ? <SseTab exchangeId={subject.exchangeId} focusIndex={subject.focusSseIndex} /> : null;
    case 'connection':
      return subject.connectionId !== undefined ? <ConnectionTab connectionId={subject.connectionId} /> : null;
    case 'frames':
      return subject.connectionId !== undefined ? (
        <FramesTab connectionId={subject.connectionId} focusIndex={subject.focusFrameIndex} audioRange={subject.audioRange} />
      ) : null;
    case 'findings':
      return <FindingsTab findings={model.findings} what={subjectNoun(subject)} />;
  }
}

function subjectNoun(subject: DetailSubject): string {
  if (subject.kind === 'call') return 'call';
  if (subject.exchangeId !== undefined) return 'exchange';
  return 'connection';
}

/**
 * The subject as an article named after it ("Exchange POST /weather", "WebSocket /v1/realtime", "Call
 * get_weather"), with a one-line summary above the tabs.
 */
function SubjectArticle({ subject, children }: { subject: DetailSubject; children: ReactNode }) {
  const exchange = useTraffic((s) => (subject.exchangeId !== undefined ? s.exchanges.get(subject.exchangeId) : undefined));
  const connection = useTraffic((s) => (subject.connectionId !== undefined ? s.connections.get(subject.connectionId) : undefined));
  const call = useAnalysis((a) => (subject.callKey !== undefined ? a.calls.get(subject.callKey) : undefined));

  let label: string;
  let summary: ReactNode;
  if (subject.kind === 'call' && call) {
    label = `Call ${call.name || 'unnamed'}`;
    summary = (
      <>
        <span className="dp-kind">call</span>
        <span className="mono dp-title-main">{call.name || '(unnamed)'}</span>
        <CallStatusBadge status={call.status} />
        {call.latencyMs !== null && <span className="mono muted">{formatDuration(call.latencyMs)}</span>}
      </>
    );
  } else if (exchange) {
    label = `Exchange ${exchange.request.method} ${exchange.request.url}`;
    const event = subject.focusSseIndex !== undefined ? exchange.sse[subject.focusSseIndex] : undefined;
    summary = (
      <>
        <span className="dp-kind">{event ? 'sse' : 'http'}</span>
        {event && <span className="mono dp-title-main">{event.type ?? '(none)'} #{event.index} of</span>}
        <span className="mono dp-title-main">
          <span className="method">{exchange.request.method}</span> {exchange.request.url}
        </span>
        <span className={`mono tone-${exchangeStatusTone(exchange)}`}>{exchangeStatusText(exchange)}</span>
      </>
    );
  } else if (connection) {
    label = `WebSocket ${connectionUrl(connection)}`;
    const range = subject.audioRange;
    summary = (
      <>
        <span className="dp-kind">ws</span>
        {range ? (
          <span className="mono dp-title-main">
            audio #{range.first}–#{range.last} of
          </span>
        ) : subject.kind === 'frame' && subject.focusFrameIndex !== undefined ? (
          <span className="mono dp-title-main">frame #{subject.focusFrameIndex} of</span>
        ) : null}
        <span className="mono dp-title-main">{connectionUrl(connection)}</span>
        <span className={`mono tone-${connectionTone(connection)}`}>
          {connection.state}
          {connection.close ? ` ${connection.close.code}` : ''}
        </span>
      </>
    );
  } else {
    label = 'Details';
    summary = <span className="muted">Not in the current view.</span>;
  }
  return (
    <article className="dp-subject" aria-label={label}>
      <header className="dp-summary-line" title={label}>
        {summary}
      </header>
      {children}
    </article>
  );
}
