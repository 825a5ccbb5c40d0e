/**
 * Filters the traffic view's rows (after audio folding) by the parts of the timeline filter that make sense
 * for raw traffic: free text, protocol, route and "only problems"; plus hidden audio, unfolded audio runs
 * and the "clear" mark. Status and function name are facets of calls and are not applied here.
 *
 * With nothing to filter the folded rows are returned as they are, so live traffic costs no extra pass.
 */
import type { AnalysisState } from '../analysis/analyzer.js';
import type { Protocol } from '../analysis/model.js';
import type { CapturedBody } from '../events.js';
import type { TrafficRow, TrafficState } from '../store/traffic-state.js';
import type { AudioRunRow, TrafficListRow } from './audio-runs.js';
import { isProblem, needleOf, type TimelineFilter } from './timeline-filter.js';

export interface TrafficFilterInput {
  rows: readonly TrafficListRow[];
  traffic: TrafficState;
  analysis: AnalysisState;
  filter: TimelineFilter;
  hideAudio: boolean;
  /** Keys of unfolded runs, as made by `runKey`. */
  expandedRuns: ReadonlySet<string>;
  clearedAfterSeq: number;
}

export function runKey(run: Pick<AudioRunRow, 'connectionId' | 'first'>): string {
  return `a-${run.connectionId}-${run.first}`;
}

/** How many shown rows there are, and of how many after the last clear. */
export interface FilteredTraffic {
  rows: readonly TrafficListRow[];
  total: number;
}

export function filterTrafficRows(input: TrafficFilterInput): FilteredTraffic {
  const { rows, filter } = input;
  const textual = needleOf(filter);
  const facets = filter.protocols.length > 0 || filter.routes.length > 0 || filter.onlyProblems;
  if (!textual && !facets && !input.hideAudio && input.expandedRuns.size === 0 && input.clearedAfterSeq === 0) {
    return { rows, total: rows.length };
  }
  const problemSeqs = filter.onlyProblems ? problemEventSeqs(input.analysis) : null;
  const out: TrafficListRow[] = [];
  let total = 0;
  for (const row of rows) {
    if ((row.kind === 'audio-run' ? row.lastSeq : row.seq) <= input.clearedAfterSeq) continue;
    total++;
    const expanded = row.kind === 'audio-run' && input.expandedRuns.has(runKey(row));
    // An unfolded run shows its frames: they are rows of the unfiltered view too, not a filter result.
    if (expanded) total += row.last - row.first + 1;
    if (row.kind === 'audio-run' && input.hideAudio) continue;
    if (facets && !passesFacets(row, input, problemSeqs)) continue;
    if (textual && !rowHaystack(row, input.traffic, input.analysis).includes(textual)) continue;
    out.push(row);
    if (row.kind === 'audio-run' && expanded) {
      for (let index = row.first; index <= row.last; index++) {
        const frame = input.traffic.connections.get(row.connectionId)?.frames[index];
        if (frame) out.push({ kind: 'frame', seq: frame.seq, connectionId: row.connectionId, index });
      }
    }
  }
  return { rows: out, total };
}

function ownerOf(row: TrafficListRow): { exchangeId?: string; connectionId?: string } {
  switch (row.kind) {
    case 'exchange':
      return { exchangeId: row.id };
    case 'sse':
      return { exchangeId: row.exchangeId };
    case 'connection':
      return { connectionId: row.id };
    case 'frame':
    case 'audio-run':
      return { connectionId: row.connectionId };
    default:
      return {};
  }
}

function passesFacets(row: TrafficListRow, input: TrafficFilterInput, problemSeqs: ReadonlySet<number> | null): boolean {
  const { filter, traffic, analysis } = input;
  const owner = ownerOf(row);
  if (filter.routes.length > 0) {
    const routeId =
      row.kind === 'route'
        ? row.event.routeId
        : owner.exchangeId !== undefined
          ? traffic.exchanges.get(owner.exchangeId)?.routeId
          : owner.connectionId !== undefined
            ? traffic.connections.get(owner.connectionId)?.routeId
            : undefined;
    if (routeId === undefined || !filter.routes.includes(routeId)) return false;
  }
  if (filter.protocols.length > 0) {
    let protocol: Protocol | null | undefined;
    if (owner.exchangeId !== undefined) protocol = analysis.exchanges.get(owner.exchangeId)?.protocol;
    else if (owner.connectionId !== undefined) protocol = analysis.connections.get(owner.connectionId)?.protocol;
    if (!protocol || !filter.protocols.includes(protocol)) return false;
  }
  if (problemSeqs) {
    if (row.kind === 'exchange') {
      if (!analysis.exchanges.get(row.id)?.findings.some((f) => isProblem(f.severity))) return false;
    } else if (row.kind === 'connection') {
      if (!analysis.connections.get(row.id)?.findings.some((f) => isProblem(f.severity))) return false;
    } else if (row.kind === 'audio-run') {
      return false;
    } else if (row.kind !== 'error' && !problemSeqs.has(row.seq)) {
      return false;
    }
  }
  return true;
}

/** Events that a warning or error points at. Cached per findings array: it only changes when findings do. */
const problemCache = new WeakMap<readonly unknown[], ReadonlySet<number>>();

function problemEventSeqs(analysis: AnalysisState): ReadonlySet<number> {
  let seqs = problemCache.get(analysis.findings);
  if (!seqs) {
    const set = new Set<number>();
    for (const finding of analysis.findings) if (isProblem(finding.severity)) set.add(finding.ref.seq);
    seqs = set;
    problemCache.set(analysis.findings, seqs);
  }
  return seqs;
}

/** Only so much of a payload is searched: enough for names and ids, without scanning megabytes per key. */
const SEARCHED_CHARS = 2000;

const haystacks = new WeakMap<TrafficRow, string>();

/**
 * Exchange and connection rows are made once, when the exchange or connection starts, but what they are searched
 * by arrives later (the request body, the response status, the protocol the analysis recognises). Their text is
 * cached with the objects it was made from, which the folds replace when they change, so it is never stale.
 */
const growingHaystacks = new WeakMap<TrafficRow, { from: unknown; read: unknown; text: string }>();

/**
 * The searchable text of a row, lower-cased. Cached per row object: frames, SSE events, routes and errors never
 * change once made; exchange and connection rows are re-read when their exchange or connection changed.
 */
export function rowHaystack(row: TrafficListRow, traffic: TrafficState, analysis: AnalysisState): string {
  if (row.kind === 'audio-run') return 'audio frames';
  if (row.kind === 'exchange') {
    const ex = traffic.exchanges.get(row.id);
    const read = analysis.exchanges.get(row.id);
    const cached = growingHaystacks.get(row);
    if (cached && cached.from === ex && cached.read === read) return cached.text;
    const text = (
      ex
        ? [ex.request.method, ex.request.url, ex.response?.status ?? '', read?.protocol ?? '', read?.label ?? '', bodyStart(ex.requestBody)].join(' ')
        : ''
    ).toLowerCase();
    growingHaystacks.set(row, { from: ex, read, text });
    return text;
  }
  if (row.kind === 'connection') {
    const conn = traffic.connections.get(row.id);
    // The connection's view is replaced by every frame; its URL and protocol are what the text is made from.
    const from = conn ? (conn.open ?? conn.failed) : undefined;
    const protocol = analysis.connections.get(row.id)?.protocol ?? '';
    const cached = growingHaystacks.get(row);
    if (cached && cached.from === from && cached.read === protocol) return cached.text;
    const text = (conn ? `websocket ${conn.open?.url ?? conn.failed?.url ?? ''} ${protocol}` : '').toLowerCase();
    growingHaystacks.set(row, { from, read: protocol, text });
    return text;
  }
  let text = haystacks.get(row);
  if (text !== undefined) return text;
  switch (row.kind) {
    case 'sse': {
      const event = traffic.exchanges.get(row.exchangeId)?.sse[row.index];
      text = event ? `sse ${event.type ?? ''} ${event.raw.slice(0, SEARCHED_CHARS)}` : '';
      break;
    }
    case 'frame': {
      const frame = traffic.connections.get(row.connectionId)?.frames[row.index];
      const type = analysis.frameTypes.get(row.seq)?.messageType ?? '';
      text = frame ? `${type} ${frame.encoding === 'utf8' ? frame.data.slice(0, SEARCHED_CHARS) : 'binary'}` : '';
      break;
    }
    case 'route':
      text = `route ${row.event.kind} ${'upstream' in row.event ? row.event.upstream : ''}`;
      break;
    case 'error':
      text = `error ${row.event.message}`;
      break;
  }
  text = text.toLowerCase();
  haystacks.set(row, text);
  return text;
}

function bodyStart(body: CapturedBody | null): string {
  if (!body || body.encoding !== 'utf8') return '';
  return body.data.slice(0, SEARCHED_CHARS);
}
