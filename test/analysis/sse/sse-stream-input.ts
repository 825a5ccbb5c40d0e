/**
 * Test helpers: cut an SSE body into the linter's input exactly as the proxy does (SseStreamReader: push the
 * text, then end()), and find the protocol fixtures beside the repo.
 */
import { sseEventInput, type SseEventInput } from '../../../shared/analysis/model.js';
import type { SseLintInput } from '../../../shared/analysis/sse/sse-linter.js';
import { SseStreamReader } from '../../../shared/sse/sse-stream-reader.js';

export { fixtureBytes, fixtureDir, fixtureText, haveFixtures, repoRoot, whenFixtures } from '../../support/protocol-fixtures.js';

/** The body as the proxy records it: one sse.event per block (seq = index + 1), then sse.end. */
export function streamInput(chunks: string | readonly string[], options: { contentType?: string; complete?: boolean } = {}): SseLintInput {
  const reader = new SseStreamReader();
  const blocks = [];
  // One push per block: a 10 MiB body can hold a million blocks, too many to spread as arguments.
  for (const chunk of typeof chunks === 'string' ? [chunks] : chunks) for (const block of reader.push(chunk)) blocks.push(block);
  const end = reader.end();
  for (const block of end.blocks) blocks.push(block);
  const events: SseEventInput[] = blocks.map((block, i) => sseEventInput({ ...block, seq: i + 1, t: i }));
  return {
    contentType: 'contentType' in options ? options.contentType : 'text/event-stream',
    events,
    end: { seq: events.length + 1, complete: options.complete ?? true, leftover: end.leftover, leftoverOffset: end.leftoverOffset },
  };
}
