/**
 * Captured text as bytes are read: line ends made visible (\r and \n, dimmed, so CRLF mixed with LF shows),
 * and byte ranges that findings point at wrapped in <mark>. Rendered as text nodes only.
 */
import { useMemo, type ReactNode } from 'react';
import { markSegments } from './byte-marks.js';
import type { FindingMark } from './event-findings.js';

export function RawMarked({ text, marks, label }: { text: string; marks: readonly FindingMark[]; label: string }) {
  const content = useMemo(() => {
    const out: ReactNode[] = [];
    let key = 0;
    for (const segment of markSegments(text, marks)) {
      if (segment.marks.length === 0) {
        out.push(...withControlChars(segment.text, () => key++));
        continue;
      }
      const findings = segment.marks.map((i) => marks[i]!.finding);
      const severity = findings.some((f) => f.severity === 'error') ? 'error' : findings.some((f) => f.severity === 'warning') ? 'warning' : 'info';
      const title = findings.map((f) => `${f.rule}: ${f.message}`).join('\n');
      out.push(
        <mark key={key++} className={`dp-mark dp-mark-${severity}${segment.marks.length > 1 ? ' dp-mark-multi' : ''}${segment.text === '' ? ' dp-mark-point' : ''}`} title={title}>
          {withControlChars(segment.text, () => key++)}
        </mark>,
      );
    }
    return out;
  }, [text, marks]);
  return (
    <pre className="code raw-text dp-raw" aria-label={label}>
      {content}
    </pre>
  );
}

function withControlChars(text: string, nextKey: () => number): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\r' && ch !== '\n') continue;
    if (i > last) parts.push(text.slice(last, i));
    parts.push(
      <span key={nextKey()} className="control-char">
        {ch === '\r' ? '\\r' : '\\n'}
      </span>,
    );
    if (ch === '\n') parts.push('\n');
    last = i + 1;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
