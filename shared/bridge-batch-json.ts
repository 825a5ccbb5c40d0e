/**
 * A bridge batch message as JSON text, put together from events that are already JSON (the event log
 * serialises each event once, for the session file and every UI). Parses to the same message as
 * `JSON.stringify({ type: 'batch', reset, events, dropped })`, without a second JSON.stringify of every event.
 */
export function batchMessageJson(reset: boolean, eventJsons: readonly string[], dropped = 0): string {
  const tail = dropped > 0 ? `,"dropped":${dropped}` : '';
  return `{"type":"batch","reset":${reset},"events":[${eventJsons.join(',')}]${tail}}`;
}
