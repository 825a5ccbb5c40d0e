/**
 * Where an opened session's text comes from: the core (a file on the machine Toolscope runs on, read in
 * slices over the bridge) or a file the user picked or dropped into the page (read in the page, in pieces).
 * Both hand text to the same line reader and fold, so a session looks the same whichever way it was opened.
 */
import { parseSessionHeader, SessionFormatError } from '../../../shared/session-format.js';
import { getBridge } from '../bridge/get-bridge.js';
import type { SessionSource } from './view-store.js';

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
      let offset = opened.eventsOffset;
      if (offset >= opened.bytes) return;
      // One slice is always on its way while the previous one is parsed, so reading and parsing overlap.
      let next = bridge.call('readSession', { path: opened.path, offset, end: opened.bytes, maxBytes: SLICE_BYTES });
      for (;;) {
        const slice = await next;
        if (!slice.done) next = bridge.call('readSession', { path: opened.path, offset: slice.nextOffset, end: opened.bytes, maxBytes: SLICE_BYTES });
        offset = slice.nextOffset;
        yield { text: slice.text, bytesRead: offset, done: slice.done };
        if (slice.done) return;
      }
    },
  };
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
