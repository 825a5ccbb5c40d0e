/**
 * Counting the calls of the live session for the Sessions list: the analysis folded over some of its events,
 * and which events can matter to it. Used over the retained events and over each chunk the log drops.
 */
import { Analyzer, type AnalysisOptions, type AnalysisState } from '../../shared/analysis/analyzer.js';
import type { LogEvent } from '../../shared/events.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../shared/store/traffic-state.js';

/**
 * Whether an event can start or shape a call: every HTTP and connection event, and the text frames that mention
 * a function or a tool (every dialect's call does). Audio frames and SSE events, nearly all of a Realtime
 * session, cannot; leaving them out makes counting cheap.
 */
export function mayStartCall(event: LogEvent): boolean {
  if (event.kind === 'sse.event') return false;
  if (event.kind !== 'ws.frame') return true;
  return event.encoding === 'utf8' && (event.data.includes('function') || event.data.includes('tool'));
}

export class CallCount {
  private readonly analyzer: Analyzer;
  private traffic: TrafficState = emptyTrafficState();
  private analysis: AnalysisState;

  constructor(options: AnalysisOptions) {
    this.analyzer = new Analyzer(options);
    this.analysis = this.analyzer.initialState();
  }

  /** Folds the next events, in seq order. */
  add(events: readonly LogEvent[]): void {
    this.traffic = foldEvents(this.traffic, events);
    this.analysis = this.analyzer.fold(this.analysis, events, this.traffic);
  }

  /** The calls whose first event has a seq from `first` to `last`. */
  startedIn(first: number, last = Infinity): number {
    let calls = 0;
    for (const call of this.analysis.calls.values()) if (call.startSeq >= first && call.startSeq <= last) calls++;
    return calls;
  }
}
