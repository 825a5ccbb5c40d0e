/**
 * Tells whether a response is declared as SSE, and whether a body that is not declared so is SSE all the same.
 *
 * The proxy cuts a body into SSE events only when it is declared `text/event-stream`. A backend that streams
 * SSE under another type (`text/plain`, `application/json`, none) is a real bug: EventSource and most client
 * libraries refuse it, and proxies may buffer it. To have `sse/wrong-content-type` reported, the caller checks
 * such a body with `looksLikeSseBody`, cuts it with `SseStreamReader` (push the whole text, then `end()`), and
 * hands the blocks to `lintSseStream` with the response's real content type.
 */

/** `text/event-stream`, in any case, with or without parameters such as `; charset=utf-8`. */
export function isEventStreamContentType(contentType: string | undefined | null): boolean {
  return typeof contentType === 'string' && /^\s*text\/event-stream\s*(?:;|$)/i.test(contentType);
}

const SCAN_CHARS = 4096;
const SCAN_LINES = 32;
const FIELD_LINE = /^(?:data|event|id|retry)(?::|$)/;

/**
 * True when the text starts the way an SSE stream does: its first non-blank line is an SSE field or comment,
 * and a `data:` or `event:` line comes within the first lines. JSON, HTML and plain text never start so.
 */
export function looksLikeSseBody(text: unknown): boolean {
  if (typeof text !== 'string' || text.length === 0) return false;
  const head = text.slice(0, SCAN_CHARS).replace(/^\uFEFF/, '');
  const lines = head.split(/\r\n|\r|\n/).slice(0, SCAN_LINES);
  let sawFirst = false;
  for (const line of lines) {
    if (line === '') continue;
    const isComment = line.startsWith(':');
    const isField = FIELD_LINE.test(line);
    if (!sawFirst) {
      if (!isComment && !isField) return false;
      sawFirst = true;
    }
    if (/^(?:data|event)(?::|$)/.test(line)) return true;
  }
  return false;
}
