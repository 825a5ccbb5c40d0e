/**
 * The bar above the list: which view, the filter (free text and facets), and the live controls. Every
 * control has a label a screen reader and a Playwright test can find; the filter lives in the URL hash.
 */
import { useMemo, useRef, useEffect } from 'react';
import type { Protocol } from '../../../shared/analysis/model.js';
import { CALL_STATUSES, isFilterActive } from '../../../shared/timeline/timeline-filter.js';
import { useSelectionStore } from '../state/selection-store.js';
import { useTimelineStore } from '../state/timeline-store.js';
import { useAnalysis } from '../state/use-analysis.js';
import { useCallRows } from '../state/use-call-rows.js';
import { useTraffic, currentTraffic } from '../state/use-traffic.js';
import { useTrafficRows } from '../state/use-traffic-rows.js';
import { useViewStore } from '../state/view-store.js';
import { STATUS_ICON } from './call-status-icon.js';
import { listenAddress } from './format.js';
import { ReplayCallsButton } from './replay/replay-links.js';

export function TimelineToolbar() {
  const view = useTimelineStore((s) => s.view);
  return (
    <div className="timeline-toolbar">
      <div className="toolbar-row">
        <ViewToggle />
        <SearchBox />
        {view === 'calls' ? <ShownCalls /> : <ShownRows />}
        {view === 'calls' && <ReplayCallsButton />}
        <div className="spacer" />
        <LiveControls />
      </div>
      <div className="toolbar-row facets" role="group" aria-label="Facets">
        <Facets />
      </div>
    </div>
  );
}

function ViewToggle() {
  const view = useTimelineStore((s) => s.view);
  const setView = useTimelineStore((s) => s.setView);
  return (
    <div className="segmented" role="radiogroup" aria-label="View">
      {(['calls', 'traffic'] as const).map((mode) => (
        <button
          key={mode}
          type="button"
          role="radio"
          aria-checked={view === mode}
          className={view === mode ? 'active' : ''}
          onClick={() => setView(mode)}
          title={mode === 'calls' ? 'One row per function call' : 'Every HTTP exchange, SSE event and WebSocket frame'}
        >
          {mode === 'calls' ? 'Calls' : 'Traffic'}
        </button>
      ))}
    </div>
  );
}

function SearchBox() {
  const text = useTimelineStore((s) => s.filter.text);
  const setFilter = useTimelineStore((s) => s.setFilter);
  const view = useTimelineStore((s) => s.view);
  const input = useRef<HTMLInputElement>(null);
  // "/" focuses the filter from anywhere but another text field, as in DevTools and GitHub.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <input
      ref={input}
      type="search"
      className="search"
      aria-label="Filter"
      aria-keyshortcuts="/"
      placeholder={view === 'calls' ? 'Filter calls: name, arguments, result  (/)' : 'Filter traffic: path, type, payload  (/)'}
      value={text}
      onChange={(event) => setFilter({ text: event.target.value })}
      onKeyDown={(event) => {
        // Esc empties the box first, then hands the keyboard back to the list.
        if (event.key !== 'Escape') return;
        if (text !== '') setFilter({ text: '' });
        else (document.querySelector('.list-scroll') as HTMLElement | null)?.focus();
        event.preventDefault();
      }}
    />
  );
}

function ShownCalls() {
  const { matched, total } = useCallRows();
  return <Shown shown={matched.length} total={total} noun="call" />;
}

function ShownRows() {
  const { rows, total } = useTrafficRows();
  return <Shown shown={rows.length} total={total} noun="row" />;
}

function Shown({ shown, total, noun }: { shown: number; total: number; noun: string }) {
  const filtered = useTimelineStore((s) => isFilterActive(s.filter));
  return (
    <span className="shown muted" role="status" aria-label="Shown">
      {filtered || shown !== total ? `${shown.toLocaleString()} of ${total.toLocaleString()}` : total.toLocaleString()} {noun}
      {total === 1 ? '' : 's'}
    </span>
  );
}

function Facets() {
  const view = useTimelineStore((s) => s.view);
  const filter = useTimelineStore((s) => s.filter);
  const setFilter = useTimelineStore((s) => s.setFilter);
  const resetFilter = useTimelineStore((s) => s.resetFilter);
  const grouped = useTimelineStore((s) => s.grouped);
  const setGrouped = useTimelineStore((s) => s.setGrouped);
  const hideAudio = useTimelineStore((s) => s.hideAudio);
  const setHideAudio = useTimelineStore((s) => s.setHideAudio);
  const calls = useAnalysis((a) => a.calls);
  const routes = useTraffic((t) => t.routes);
  const { protocols, functions, otherRoutes } = useMemo(() => {
    const p = new Set<Protocol>();
    const f = new Set<string>();
    // Calls on a route the session never saw come up (an imported HAR names its routes by origin).
    const o = new Set<string>();
    for (const call of calls.values()) {
      p.add(call.protocol);
      if (call.name) f.add(call.name);
      if (call.routeId !== null && !routes.has(call.routeId)) o.add(call.routeId);
    }
    // Keep a chosen value listed even when no call has it (yet), or the select would silently show "any".
    for (const chosen of filter.protocols) p.add(chosen);
    for (const chosen of filter.functions) f.add(chosen);
    return { protocols: [...p].sort(), functions: [...f].sort(), otherRoutes: [...o].sort() };
  }, [calls, routes, filter.protocols, filter.functions]);
  const callsOnly = view === 'traffic' ? 'Applies to the calls view' : undefined;

  return (
    <>
      <label className="facet">
        Protocol
        <select value={filter.protocols[0] ?? ''} onChange={(e) => setFilter({ protocols: e.target.value ? [e.target.value as Protocol] : [] })}>
          <option value="">any</option>
          {protocols.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label className="facet" title={callsOnly}>
        Function
        <select disabled={view === 'traffic'} value={filter.functions[0] ?? ''} onChange={(e) => setFilter({ functions: e.target.value ? [e.target.value] : [] })}>
          <option value="">any</option>
          {functions.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label className="facet">
        Route
        <select value={filter.routes[0] ?? ''} onChange={(e) => setFilter({ routes: e.target.value ? [e.target.value] : [] })}>
          <option value="">any</option>
          {[...routes.values()].map((route) => (
            <option key={route.routeId} value={route.routeId}>
              {listenAddress(route.listen)} → {route.upstream}
            </option>
          ))}
          {otherRoutes.map((routeId) => (
            <option key={routeId} value={routeId}>
              {routeId}
            </option>
          ))}
        </select>
      </label>
      <div className="status-chips" role="group" aria-label="Status" title={callsOnly}>
        <span className="facet-label" aria-hidden="true">
          Status
        </span>
        {CALL_STATUSES.map((status) => {
          const on = filter.statuses.includes(status);
          return (
            <button
              key={status}
              type="button"
              disabled={view === 'traffic'}
              aria-pressed={on}
              className={`chip status-${status}${on ? ' on' : ''}`}
              onClick={() => setFilter({ statuses: on ? filter.statuses.filter((s) => s !== status) : [...filter.statuses, status] })}
            >
              <span aria-hidden="true">{STATUS_ICON[status]}</span> {status}
            </button>
          );
        })}
      </div>
      <label className="facet check">
        <input type="checkbox" checked={filter.onlyProblems} onChange={(e) => setFilter({ onlyProblems: e.target.checked })} />
        Only problems
      </label>
      {view === 'calls' ? (
        <label className="facet check">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} />
          Group by connection
        </label>
      ) : (
        <label className="facet check">
          <input type="checkbox" checked={hideAudio} onChange={(e) => setHideAudio(e.target.checked)} />
          Hide audio
        </label>
      )}
      {isFilterActive(filter) && (
        <button type="button" className="link-button" onClick={resetFilter}>
          Clear filter
        </button>
      )}
    </>
  );
}

function LiveControls() {
  const paused = useTimelineStore((s) => s.paused);
  const held = useTimelineStore((s) => s.held);
  const setPaused = useTimelineStore((s) => s.setPaused);
  const inSession = useViewStore((s) => s.session !== null);
  if (inSession) return null;
  return (
    <div className="live-controls">
      {paused && (
        <span className="held" role="status" aria-label="Held while paused">
          {held.toLocaleString()} held
        </span>
      )}
      <button
        type="button"
        aria-pressed={paused}
        onClick={() => setPaused(!paused)}
        title={paused ? 'Show the traffic that arrived while paused, and keep following' : 'Stop showing new traffic; it is still recorded to the session file'}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button
        type="button"
        onClick={() => {
          useTimelineStore.getState().clear(currentTraffic().lastSeq);
          useSelectionStore.getState().select(null);
        }}
        title="Hide everything shown so far; the session file keeps it"
      >
        Clear
      </button>
    </div>
  );
}
