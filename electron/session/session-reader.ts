/**
 * Reads a session file line by line (streamed, so large files do not need one huge string). A line that is
 * not a valid event, typically the last one of a file whose writer was killed, becomes a warning.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { LogEvent } from '../../shared/events.js';
import {
  parseSessionHeader,
  parseSessionLine,
  SessionFormatError,
  type LoadedSession,
  type SessionHeader,
  type SessionWarning,
} from '../../shared/session-format.js';

export async function readSessionFile(filePath: string): Promise<LoadedSession> {
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(filePath, fs.constants.R_OK);
    stream = fs.createReadStream(filePath, { encoding: 'utf8' });
  } catch (error) {
    throw new SessionFormatError(`cannot read ${filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let header: SessionHeader | null = null;
  const events: LogEvent[] = [];
  const warnings: SessionWarning[] = [];
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (header === null) {
        header = parseSessionHeader(line);
        continue;
      }
      if (line.trim() === '') continue;
      const parsed = parseSessionLine(line);
      if (parsed.ok) events.push(parsed.event);
      else warnings.push({ line: lineNumber, message: parsed.message });
    }
  } catch (error) {
    if (error instanceof SessionFormatError) throw error;
    // A read error after opening (EISDIR for a folder, EIO): still a sentence, never a raw stack.
    throw new SessionFormatError(`cannot read ${filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    lines.close();
    stream.destroy();
  }
  if (header === null) throw new SessionFormatError(`${filePath} is empty: not a Toolscope session`);
  return { header, events, warnings };
}
