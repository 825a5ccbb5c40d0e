/**
 * Text with its line endings made visible (shown as \r and \n, dimmed): SSE framing problems such as mixed CRLF
 * and LF, or a missing blank line, are otherwise invisible.
 */
import type { ReactNode } from 'react';

export function RawText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\r' && ch !== '\n') continue;
    if (i > last) parts.push(text.slice(last, i));
    parts.push(
      <span key={key++} className="control-char">
        {ch === '\r' ? '\\r' : '\\n'}
      </span>,
    );
    if (ch === '\n') parts.push('\n');
    last = i + 1;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <pre className="code raw-text">{parts}</pre>;
}
