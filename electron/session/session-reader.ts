/**
 * Reads a session file as a stream (so large files never need one huge string), through the same line reader
 * as the UI. A line that is not a valid event, typically the last one of a file whose writer was killed,
 * becomes a warning.
 */
import fs from 'node:fs';
import { SessionFormatError, type LoadedSession, type SessionWarning } from '../../shared/session-format.js';
import type { LogEvent } from '../../shared/events.js';
import { SessionLineReader } from '../../shared/session-line-reader.js';

export async function readSessionFile(filePath: string): Promise<LoadedSession> {
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(filePath, fs.constants.R_OK);
    stream = fs.createReadStream(filePath, { encoding: 'utf8', highWaterMark: 1024 * 1024 });
  } catch (error) {
    throw new SessionFormatError(`cannot read ${filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const reader = new SessionLineReader({ afterHeader: false });
  const events: LogEvent[] = [];
  const warnings: SessionWarning[] = [];
  const take = (parsed: { events: LogEvent[]; warnings: SessionWarning[] }) => {
    for (const event of parsed.events) events.push(event);
    for (const warning of parsed.warnings) warnings.push(warning);
  };
  try {
    let empty = true;
    for await (const chunk of stream) {
      if ((chunk as string).length > 0) empty = false;
      take(reader.push(chunk as string));
    }
    if (empty) throw new SessionFormatError(`${filePath} is empty: not a Toolscope session`);
    // A file without any newline is all header: finish() reads it (and refuses it with the reason).
    take(reader.finish());
  } catch (error) {
    if (error instanceof SessionFormatError) throw error;
    // A read error after opening (EISDIR for a folder, EIO): still a sentence, never a raw stack.
    throw new SessionFormatError(`cannot read ${filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    stream.destroy();
  }
  return { header: reader.header!, events, warnings };
}
