/**
 * The view's state as URL hash parameters (`#view=traffic&q=weather&status=error,unanswered&problems=1`), so a
 * reload, a bookmark or a link to a colleague opens the same view. The hash, not the query: the query carries
 * the UI server's access token, and the hash never reaches a server.
 *
 * Parsing never throws: unknown keys and values are dropped, because a hand-edited or old link must still open.
 */
import type { CallStatus, Protocol } from '../analysis/model.js';
import { CALL_STATUSES, EMPTY_FILTER, type TimelineFilter } from './timeline-filter.js';

export type ViewMode = 'calls' | 'traffic';

export interface ViewUrlState {
  view: ViewMode;
  filter: TimelineFilter;
  /** Calls grouped by the connection or route that carried them. */
  grouped: boolean;
  hideAudio: boolean;
}

export const DEFAULT_VIEW_STATE: ViewUrlState = { view: 'calls', filter: EMPTY_FILTER, grouped: false, hideAudio: false };

const PROTOCOLS: readonly Protocol[] = ['daily', 'vapi', 'retell', 'millis', 'elevenlabs', 'openai-realtime', 'navtalk', 'rtvi'];

/** A minimal `URLSearchParams`-like reader, so `shared/` needs no DOM or Node types. */
function parsePairs(hash: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    try {
      pairs.set(decodeURIComponent(key), decodeURIComponent(value.replace(/\+/g, ' ')));
    } catch {
      // A broken escape in a hand-edited link: skip that pair only.
    }
  }
  return pairs;
}

function list(value: string | undefined): string[] {
  return value ? value.split(',').filter((item) => item !== '') : [];
}

export function parseViewHash(hash: string): ViewUrlState {
  const pairs = parsePairs(hash);
  const view: ViewMode = pairs.get('view') === 'traffic' ? 'traffic' : 'calls';
  const filter: TimelineFilter = {
    text: pairs.get('q') ?? '',
    protocols: list(pairs.get('protocol')).filter((p): p is Protocol => (PROTOCOLS as readonly string[]).includes(p)),
    statuses: list(pairs.get('status')).filter((s): s is CallStatus => (CALL_STATUSES as readonly string[]).includes(s)),
    functions: list(pairs.get('fn')),
    routes: list(pairs.get('route')),
    onlyProblems: pairs.get('problems') === '1',
  };
  return { view, filter, grouped: pairs.get('group') === '1', hideAudio: pairs.get('audio') === 'hide' };
}

/** Half of a surrogate pair without its other half: encodeURIComponent throws a URIError on it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The hash for a state; defaults are left out, so the plain view has an empty hash. Never throws: a lone
 * surrogate in the search text (a paste can carry one) is written as U+FFFD.
 */
export function formatViewHash(state: ViewUrlState): string {
  const parts: string[] = [];
  const add = (key: string, value: string) => parts.push(`${key}=${encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'))}`);
  if (state.view !== 'calls') add('view', state.view);
  if (state.filter.text !== '') add('q', state.filter.text);
  // Names are joined with commas, so a function name containing a comma cannot round-trip; such names are
  // not valid tool names in any of the dialects.
  if (state.filter.protocols.length > 0) add('protocol', state.filter.protocols.join(','));
  if (state.filter.statuses.length > 0) add('status', state.filter.statuses.join(','));
  if (state.filter.functions.length > 0) add('fn', state.filter.functions.join(','));
  if (state.filter.routes.length > 0) add('route', state.filter.routes.join(','));
  if (state.filter.onlyProblems) add('problems', '1');
  if (state.grouped) add('group', '1');
  if (state.hideAudio) add('audio', 'hide');
  return parts.length > 0 ? `#${parts.join('&')}` : '';
}
