/**
 * Reads a session file for the UI in slices of whole lines, without parsing them: the renderer parses each
 * event at its boundary anyway, so parsing here too (and serialising again for the bridge) would only double
 * the time a large file takes to open. Only the header is checked here, so a wrong or newer file is refused
 * before any event is sent.
 */
import fs from 'node:fs';
import type { OpenedSession, SessionSlice } from '../../shared/bridge.js';
import { parseSessionHeader, SessionFormatError } from '../../shared/session-format.js';

/** A header is one short line; anything longer than this is not a session file. */
const HEADER_LIMIT = 64 * 1024;
export const DEFAULT_SLICE_BYTES = 4 * 1024 * 1024;

export function openSessionForReading(filePath: string): OpenedSession {
  const fd = openForReading(filePath);
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) throw new SessionFormatError(`${filePath} is empty: not a Toolscope session`);
    const head = Buffer.alloc(Math.min(size, HEADER_LIMIT));
    const read = fs.readSync(fd, head, 0, head.length, 0);
    const newline = head.subarray(0, read).indexOf(0x0a);
    if (newline === -1 && read < size) throw new SessionFormatError('not a Toolscope session file: the first line is not a header');
    const headerLine = head.subarray(0, newline === -1 ? read : newline).toString('utf8').replace(/\r$/, '');
    const header = parseSessionHeader(headerLine);
    return { path: filePath, header, bytes: size, eventsOffset: newline === -1 ? read : newline + 1 };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The lines from `offset` up to about `maxBytes` further, never past `end`, and never cutting a line: a line
 * longer than `maxBytes` is returned whole. A last line without its newline (a writer killed mid-write) is
 * returned as it is; the reader reports it.
 */
export function readSessionSlice(filePath: string, offset: number, end: number, maxBytes = DEFAULT_SLICE_BYTES): SessionSlice {
  const fd = openForReading(filePath);
  try {
    const stop = Math.min(end, fs.fstatSync(fd).size);
    if (offset >= stop) return { text: '', nextOffset: offset, done: true };
    const chunks: Buffer[] = [];
    let position = offset;
    while (position < stop) {
      const want = Math.min(maxBytes, stop - position);
      const chunk = Buffer.allocUnsafe(want);
      const read = fs.readSync(fd, chunk, 0, want, position);
      if (read === 0) break;
      const filled = chunk.subarray(0, read);
      const newline = filled.lastIndexOf(0x0a);
      if (newline !== -1) {
        chunks.push(filled.subarray(0, newline + 1));
        position += newline + 1;
        break;
      }
      // No line ends in this chunk: it is the middle of one long line; keep reading until it ends.
      chunks.push(filled);
      position += read;
    }
    return { text: Buffer.concat(chunks).toString('utf8'), nextOffset: position, done: position >= stop };
  } finally {
    fs.closeSync(fd);
  }
}

function openForReading(filePath: string): number {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch (error) {
    throw new SessionFormatError(`cannot read ${filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw new SessionFormatError(`cannot read ${filePath}: it is not a file`);
  }
  return fd;
}
