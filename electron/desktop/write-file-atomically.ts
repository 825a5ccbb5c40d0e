/** Writes a small settings file so that a crash mid-write leaves the old file, never half of the new one. */
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
