/**
 * Where an opened session's text comes from: the core (a file on the machine Toolscope runs on, read in
 * slices over the bridge) or a file the user picked or dropped into the page (read in the page, in pieces).
 * Both hand text to the same line reader and fold, so a session looks the same whichever way it was opened.
 */
import { parseSessionHeader, SessionFormatError } from '../../../shared/session-format.js';
import { getBridge } from '../bridge/get-bridge.js';
import type { SessionChunk, SessionSource } from './view-store.js';

const SLICE_BYTES = 4 * 1024 * 1024;

/** A file the core reads. The header is checked first, so a wrong file is refused before anything loads. */
export async function coreSessionSource(path: string): Promise<SessionSource> {
  const bridge = getBridge();
  const opened = await bridge.call('openSession', { path });
  return {
    label: opened.path,
    header: opened.header,
    totalBytes: opened.bytes,
    async *chunks() {
      if (opened.eventsOffset >= opened.bytes) return;
      if (bridge.streamSession) {
        yield* batched(bridge.streamSession(opened), opened.eventsOffset);
        return;
      }
      // The desktop app's IPC: slices of whole lines, the next one asked for before this one is parsed.
      const read = (offset: number) => bridge.call('readSession', { path: opened.path, offset, end: opened.bytes, maxBytes: SLICE_BYTES });
      let next = read(opened.eventsOffset);
      for (;;) {
        const slice = await next;
        if (!slice.done) next = read(slice.nextOffset);
        yield { text: slice.text, bytesRead: slice.nextOffset, done: slice.done };
        if (slice.done) return;
      }
    },
  };
}

/**
 * A byte stream as chunks of about SLICE_BYTES of text: the folds have a cost per call, so the stream's small
 * pieces (64 KiB or so) are gathered first. The streaming decoder keeps a UTF-8 character cut between two pieces.
 */
async function* batched(stream: AsyncGenerator<Uint8Array>, startOffset: number): AsyncGenerator<SessionChunk> {
  const decoder = new TextDecoder('utf-8');
  let parts: string[] = [];
  let pending = 0;
  let bytesRead = startOffset;
  for await (const piece of stream) {
    parts.push(decoder.decode(piece, { stream: true }));
    pending += piece.byteLength;
    bytesRead += piece.byteLength;
    if (pending >= SLICE_BYTES) {
      yield { text: parts.join(''), bytesRead, done: false };
      parts = [];
      pending = 0;
    }
  }
  parts.push(decoder.decode());
  yield { text: parts.join(''), bytesRead, done: true };
}

/** A session file from a file input or a drop: read in the page, so it works for a file the core cannot see. */
export async function localSessionSource(file: Blob & { name: string }): Promise<SessionSource> {
  const head = await file.slice(0, 64 * 1024).text();
  const newline = head.indexOf('\n');
  if (newline === -1 && file.size > head.length) throw new SessionFormatError('not a Toolscope session file: the first line is not a header');
  const headerLine = head.slice(0, newline === -1 ? undefined : newline).replace(/\r$/, '');
  const header = parseSessionHeader(headerLine);
  const eventsOffset = newline === -1 ? file.size : new TextEncoder().encode(head.slice(0, newline + 1)).length;
  return {
    label: file.name,
    header,
    totalBytes: file.size,
    async *chunks() {
      // Byte slices may cut a UTF-8 character in two; the streaming decoder keeps the cut bytes for the next.
      const decoder = new TextDecoder('utf-8');
      for (let offset = eventsOffset; offset < file.size; offset += SLICE_BYTES) {
        const end = Math.min(file.size, offset + SLICE_BYTES);
        const bytes = await file.slice(offset, end).arrayBuffer();
        const done = end >= file.size;
        yield { text: decoder.decode(bytes, { stream: !done }), bytesRead: end, done };
      }
    },
  };
}
