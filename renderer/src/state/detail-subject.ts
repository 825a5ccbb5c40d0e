/**
 * What the details pane shows for a selection: the subject (an exchange, a connection, a call, with the event
 * or frame to open), the tabs it has, the tab it opens on, and the findings that belong to it.
 *
 * `deriveDetail` is a pure function of the selection, the traffic and the analysis, so it is tested without a
 * DOM; `useDetailModel` wires it to the stores and keeps its result stable while nothing it shows changed, so
 * a live batch that touches other traffic does not re-render the pane's tabs.
 */
import { useMemo, useRef } from 'react';
import type { AnalysisState } from '../../../shared/analysis/analyzer.js';
import type { Finding, FunctionCall } from '../../../shared/analysis/model.js';
import type { ConnectionView, TrafficRow, TrafficState } from '../../../shared/store/traffic-state.js';
import { useDetailTabStore, type DetailTabStore } from './detail-tab-store.js';
import { selectionKey, useSelectionStore, type Selection } from './selection-store.js';
import { useAnalysis } from './use-analysis.js';
import { useTraffic } from './use-traffic.js';

export type DetailTabId = 'call' | 'request' | 'response' | 'sse' | 'connection' | 'frames' | 'findings';

/** Every tab in the order the tab strip shows them. */
export const DETAIL_TABS: readonly DetailTabId[] = ['call', 'request', 'response', 'sse', 'connection', 'frames', 'findings'];

/** The tabs' accessible names: tests select by these, keep them exact. */
export const DETAIL_TAB_LABELS: Readonly<Record<DetailTabId, string>> = {
  call: 'Call',
  request: 'Request',
  response: 'Response',
  sse: 'SSE events',
  connection: 'Connection',
  frames: 'Frames',
  findings: 'Findings',
};

/** What was selected, as the pane sees it. */
export type SubjectKind = 'call' | 'exchange' | 'sse' | 'connection' | 'frame' | 'audio';

export interface DetailSubject {
  kind: SubjectKind;
  exchangeId?: string;
  connectionId?: string;
  callKey?: string;
  /** The SSE event (index into the exchange's events) to open in the SSE events tab. */
  focusSseIndex?: number;
  /** The frame (index into the connection's frames) to open in the Frames tab. */
  focusFrameIndex?: number;
  /** A folded run of audio frames, inclusive indexes into the connection's frames. */
  audioRange?: { first: number; last: number };
}

export type RouteRow = Extract<TrafficRow, { kind: 'route' }>;
export type CoreErrorRow = Extract<TrafficRow, { kind: 'error' }>;

export type DetailModel =
  | { kind: 'none' }
  /** The selection points at something no longer in the view (cleared, another session loaded). */
  | { kind: 'missing'; what: string }
  | { kind: 'route'; row: RouteRow }
  | { kind: 'core-error'; row: CoreErrorRow }
  | {
      kind: 'subject';
      /** The selection's key (see selectionKey): resets the pane's local state when it changes. */
      key: string;
      subject: DetailSubject;
      tabs: readonly DetailTabId[];
      defaultTab: DetailTabId;
      findings: readonly Finding[];
    };

export type SubjectModel = Extract<DetailModel, { kind: 'subject' }>;

const NO_FINDINGS: readonly Finding[] = [];

export function deriveDetail(selection: Selection | null, traffic: TrafficState, analysis: AnalysisState): DetailModel {
  if (!selection) return { kind: 'none' };
  const key = selectionKey(selection);
  switch (selection.kind) {
    case 'call': {
      const call = analysis.calls.get(selection.callKey);
      if (!call) return { kind: 'missing', what: 'call' };
      const subject: DetailSubject = { kind: 'call', callKey: call.key };
      if (call.source.kind === 'exchange') {
        if (traffic.exchanges.has(call.source.id)) subject.exchangeId = call.source.id;
      } else {
        const connection = traffic.connections.get(call.source.id);
        if (connection) {
          subject.connectionId = connection.id;
          const index = frameIndexBySeq(connection.frames, call.startSeq);
          if (index !== null) subject.focusFrameIndex = index;
        }
      }
      return subjectModel(key, subject, traffic, analysis);
    }
    case 'audio': {
      const connection = traffic.connections.get(selection.connectionId);
      if (!connection) return { kind: 'missing', what: 'audio run' };
      const subject: DetailSubject = {
        kind: 'audio',
        connectionId: connection.id,
        audioRange: { first: selection.first, last: selection.last },
        focusFrameIndex: selection.first,
      };
      return subjectModel(key, subject, traffic, analysis);
    }
    case 'row':
      return rowModel(key, selection.row, traffic, analysis);
    default:
      // Not a selection this code knows (a caller of an older API): show nothing rather than fail.
      return { kind: 'none' };
  }
}

function rowModel(key: string, row: TrafficRow, traffic: TrafficState, analysis: AnalysisState): DetailModel {
  switch (row.kind) {
    case 'route':
      return { kind: 'route', row };
    case 'error':
      return { kind: 'core-error', row };
    case 'exchange':
    case 'sse': {
      const id = row.kind === 'exchange' ? row.id : row.exchangeId;
      const exchange = traffic.exchanges.get(id);
      if (!exchange) return { kind: 'missing', what: row.kind === 'exchange' ? 'exchange' : 'SSE event' };
      const subject: DetailSubject = { kind: row.kind, exchangeId: id };
      const callKeys = analysis.exchanges.get(id)?.callKeys ?? [];
      if (callKeys.length === 1 && analysis.calls.has(callKeys[0]!)) subject.callKey = callKeys[0]!;
      if (row.kind === 'sse') subject.focusSseIndex = row.index;
      return subjectModel(key, subject, traffic, analysis);
    }
    case 'connection':
    case 'frame': {
      const id = row.kind === 'connection' ? row.id : row.connectionId;
      const connection = traffic.connections.get(id);
      if (!connection) return { kind: 'missing', what: row.kind === 'connection' ? 'connection' : 'frame' };
      const subject: DetailSubject = { kind: row.kind, connectionId: id };
      const calls = callsOfConnection(analysis, id);
      if (row.kind === 'connection') {
        if (calls.length === 1) subject.callKey = calls[0]!.key;
      } else {
        subject.focusFrameIndex = row.index;
        // A frame that carries (part of) a call opens that call in the Call tab.
        const seq = connection.frames[row.index]?.seq ?? row.seq;
        const owner = calls.find((call) => call.refs.includes(seq));
        if (owner) subject.callKey = owner.key;
      }
      return subjectModel(key, subject, traffic, analysis);
    }
    default:
      return { kind: 'none' };
  }
}

function subjectModel(key: string, subject: DetailSubject, traffic: TrafficState, analysis: AnalysisState): SubjectModel {
  const tabs: DetailTabId[] = [];
  const exchange = subject.exchangeId !== undefined ? traffic.exchanges.get(subject.exchangeId) : undefined;
  if (subject.callKey !== undefined) tabs.push('call');
  if (exchange) {
    tabs.push('request', 'response');
    if (exchange.sse.length > 0) tabs.push('sse');
  }
  if (subject.connectionId !== undefined) tabs.push('connection', 'frames');
  tabs.push('findings');

  let defaultTab: DetailTabId;
  switch (subject.kind) {
    case 'call':
      defaultTab = 'call';
      break;
    case 'exchange':
      defaultTab = exchange?.response ? 'response' : 'request';
      break;
    case 'sse':
      defaultTab = 'sse';
      break;
    case 'connection':
      defaultTab = 'connection';
      break;
    case 'frame':
    case 'audio':
      defaultTab = 'frames';
      break;
  }
  return { kind: 'subject', key, subject, tabs, defaultTab, findings: findingsOf(subject, analysis) };
}

/**
 * The findings a subject shows: an exchange's or a connection's own; for a selected call, the findings about
 * that call, except for a webhook exchange that carries only this call, whose findings are all about it
 * (its SSE framing and HTTP status included).
 */
export function findingsOf(subject: DetailSubject, analysis: AnalysisState): readonly Finding[] {
  if (subject.kind === 'call' && subject.callKey !== undefined) {
    const call = analysis.calls.get(subject.callKey);
    if (!call) return NO_FINDINGS;
    if (call.source.kind === 'exchange') {
      const exchange = analysis.exchanges.get(call.source.id);
      if (!exchange) return NO_FINDINGS;
      if (exchange.callKeys.length <= 1) return exchange.findings;
      return exchange.findings.filter((f) => f.callKey === call.key);
    }
    return (analysis.connections.get(call.source.id)?.findings ?? NO_FINDINGS).filter((f) => f.callKey === call.key);
  }
  if (subject.exchangeId !== undefined) return analysis.exchanges.get(subject.exchangeId)?.findings ?? NO_FINDINGS;
  if (subject.connectionId !== undefined) return analysis.connections.get(subject.connectionId)?.findings ?? NO_FINDINGS;
  return NO_FINDINGS;
}

/** Selections that point at one event open the tab that shows it, whatever tab the user chose before. */
const FOCUSED_KINDS: ReadonlySet<SubjectKind> = new Set(['sse', 'frame', 'audio']);

/**
 * The tab to show: the user's choice for this very selection; else a tab a jump opened it on ("Show event");
 * else the tab a focused selection (an SSE event, a frame, an audio run) is about; else the last tab the user
 * chose when this subject has it; else the subject's default.
 */
export function chooseTab(model: SubjectModel, chosen: Pick<DetailTabStore, 'lastTab' | 'chosenFor' | 'opened'>): DetailTabId {
  const { lastTab, chosenFor, opened } = chosen;
  const available = lastTab !== null && model.tabs.includes(lastTab);
  if (available && chosenFor === model.key) return lastTab;
  if (opened && opened.forKey === model.key && model.tabs.includes(opened.tab)) return opened.tab;
  if (FOCUSED_KINDS.has(model.subject.kind)) return model.defaultTab;
  return available ? lastTab : model.defaultTab;
}

/** The calls carried by one connection, in the order they started. */
export function callsOfConnection(analysis: Pick<AnalysisState, 'calls' | 'callOrder'>, connectionId: string): FunctionCall[] {
  const out: FunctionCall[] = [];
  for (const key of analysis.callOrder) {
    const call = analysis.calls.get(key);
    if (call && call.source.kind === 'connection' && call.source.id === connectionId) out.push(call);
  }
  return out;
}

/** The index of the frame with this sequence number, else of the first frame after it; null past the end. */
export function frameIndexBySeq(frames: ConnectionView['frames'], seq: number): number | null {
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (frames[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo < frames.length ? lo : null;
}

/** The traffic row of an event by its sequence number (rows are in sequence order). */
export function rowBySeq(rows: readonly TrafficRow[], seq: number): TrafficRow | null {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  const row = rows[lo];
  return row && row.seq === seq ? row : null;
}

/**
 * Where a finding's event is: the traffic row to select and the tab that shows the event. SSE events and
 * frames are rows of their own; a request or response body, an SSE end, an error or a close is shown by the
 * exchange's or connection's row, on the tab that holds it.
 */
export function locateEvent(traffic: TrafficState, seq: number): { row: TrafficRow; tab: DetailTabId } | null {
  const row = rowBySeq(traffic.rows, seq);
  if (row) {
    switch (row.kind) {
      case 'sse':
        return { row, tab: 'sse' };
      case 'frame':
        return { row, tab: 'frames' };
      case 'exchange':
        return { row, tab: 'request' };
      case 'connection':
        return { row, tab: 'connection' };
      default:
        return null;
    }
  }
  for (const exchange of traffic.exchanges.values()) {
    let tab: DetailTabId | null = null;
    if (exchange.requestBodySeq === seq) tab = 'request';
    else if (exchange.response?.seq === seq || exchange.responseBodySeq === seq || exchange.error?.seq === seq || exchange.aborted?.seq === seq) tab = 'response';
    else if (exchange.sseEnd?.seq === seq) tab = exchange.sse.length > 0 ? 'sse' : 'response';
    if (tab) {
      const owner = rowBySeq(traffic.rows, exchange.request.seq);
      return owner ? { row: owner, tab } : null;
    }
  }
  for (const connection of traffic.connections.values()) {
    if (connection.close?.seq === seq || connection.errors.some((e) => e.seq === seq)) {
      const owner = rowBySeq(traffic.rows, connection.open?.seq ?? connection.failed?.seq ?? -1);
      return owner ? { row: owner, tab: 'connection' } : null;
    }
  }
  return null;
}

/** True when two models show the same thing (a live batch elsewhere changes neither). */
export function sameDetail(a: DetailModel, b: DetailModel): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'none':
      return true;
    case 'missing':
      return a.what === (b as typeof a).what;
    case 'route':
    case 'core-error':
      return a.row === (b as typeof a).row;
    case 'subject': {
      const o = b as typeof a;
      return (
        a.key === o.key &&
        a.defaultTab === o.defaultTab &&
        a.tabs.length === o.tabs.length &&
        a.tabs.every((t, i) => t === o.tabs[i]) &&
        sameSubject(a.subject, o.subject) &&
        a.findings.length === o.findings.length &&
        a.findings.every((f, i) => f === o.findings[i])
      );
    }
  }
}

function sameSubject(a: DetailSubject, b: DetailSubject): boolean {
  return (
    a.kind === b.kind &&
    a.exchangeId === b.exchangeId &&
    a.connectionId === b.connectionId &&
    a.callKey === b.callKey &&
    a.focusSseIndex === b.focusSseIndex &&
    a.focusFrameIndex === b.focusFrameIndex &&
    a.audioRange?.first === b.audioRange?.first &&
    a.audioRange?.last === b.audioRange?.last
  );
}

/** The details of the current selection, stable across live batches that do not change it. */
export function useDetailModel(): DetailModel {
  const selection = useSelectionStore((s) => s.selection);
  const traffic = useTraffic((s) => s);
  const analysis = useAnalysis((a) => a);
  const derived = useMemo(() => deriveDetail(selection, traffic, analysis), [selection, traffic, analysis]);
  const stable = useRef(derived);
  if (stable.current !== derived && !sameDetail(stable.current, derived)) stable.current = derived;
  return stable.current;
}

/** The tab the pane shows for a model (see chooseTab). */
export function useActiveTab(model: SubjectModel | null): DetailTabId | null {
  const lastTab = useDetailTabStore((s) => s.lastTab);
  const chosenFor = useDetailTabStore((s) => s.chosenFor);
  const opened = useDetailTabStore((s) => s.opened);
  return model ? chooseTab(model, { lastTab, chosenFor, opened }) : null;
}
