/**
 * One side of a comparison as pretty-printed JSON, built from React elements (captured data is never put in
 * the page as HTML), with the fields that differ from the other side marked: a sign in the gutter (~ changed,
 * + added, − removed, so colour is not the only cue) and a tinted line, on every line of a changed value.
 */
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { pathKey, type ChangeKind, type JsonPathKey } from '../../../../shared/replay/replay-request.js';

interface Line {
  depth: number;
  parts: ReactNode[];
  mark: ChangeKind | null;
}

const SIGN: Record<ChangeKind, string> = { changed: '~', added: '+', removed: '−' };
const WORD: Record<ChangeKind, string> = { changed: 'changed', added: 'added', removed: 'removed' };
/** Lines beyond this are not rendered (a huge answer would freeze the dialog); the text says how many. */
const MAX_LINES = 4000;
const LONG_STRING = 400;

export function DiffJson({
  value,
  marks,
  path = [],
  label,
}: {
  value: unknown;
  marks: ReadonlyMap<JsonPathKey, ChangeKind>;
  /** Where `value` sits in the compared value (an SSE event's data: `[index, "data"]`). */
  path?: (string | number)[];
  label: string;
}) {
  const lines: Line[] = [];
  collect(value, path, 0, null, false, marks, null, lines);
  const shown = lines.slice(0, MAX_LINES);
  const pre = useRef<HTMLPreElement>(null);
  // A long answer opens scrolled to its first difference, with two lines of context above it.
  useLayoutEffect(() => {
    const box = pre.current;
    const first = box?.querySelector<HTMLElement>('.diff-changed, .diff-added, .diff-removed');
    if (box && first && first.offsetTop + first.offsetHeight > box.clientHeight) box.scrollTop = Math.max(0, first.offsetTop - 2 * first.offsetHeight);
  }, [value, marks]);
  return (
    <pre ref={pre} className="diff-json code" aria-label={label}>
      {shown.map((line, i) => (
        <div key={i} className={`diff-line${line.mark ? ` diff-${line.mark}` : ''}`}>
          <span className="diff-sign" aria-hidden="true">
            {line.mark ? SIGN[line.mark] : ' '}
          </span>
          {line.mark && <span className="visually-hidden">{WORD[line.mark]}: </span>}
          <span style={{ paddingLeft: `${line.depth * 2}ch` }}>{line.parts}</span>
        </div>
      ))}
      {lines.length > shown.length && <div className="diff-line muted">… {(lines.length - shown.length).toLocaleString()} more lines</div>}
    </pre>
  );
}

function collect(
  value: unknown,
  path: (string | number)[],
  depth: number,
  key: string | null,
  comma: boolean,
  marks: ReadonlyMap<JsonPathKey, ChangeKind>,
  inherited: ChangeKind | null,
  out: Line[],
): void {
  if (out.length > MAX_LINES) return;
  const mark = marks.get(pathKey(path)) ?? inherited;
  const prefix: ReactNode[] = key === null ? [] : [<span key="k" className="tok-key">{JSON.stringify(key)}</span>, ': '];
  const tail = comma ? ',' : '';
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      out.push({ depth, parts: [...prefix, `${open}${close}${tail}`], mark });
      return;
    }
    out.push({ depth, parts: [...prefix, open], mark });
    entries.forEach(([childKey, child], i) => {
      collect(child, [...path, childKey], depth + 1, typeof childKey === 'string' ? childKey : null, i < entries.length - 1, marks, mark, out);
    });
    out.push({ depth, parts: [`${close}${tail}`], mark });
    return;
  }
  out.push({ depth, parts: [...prefix, token(value), tail], mark });
}

function token(value: unknown): ReactNode {
  if (typeof value === 'string') {
    const text = JSON.stringify(value.length > LONG_STRING ? `${value.slice(0, LONG_STRING)}…` : value);
    return (
      <span key="v" className="tok-string">
        {text}
        {value.length > LONG_STRING && <span className="muted"> ({value.length.toLocaleString()} characters)</span>}
      </span>
    );
  }
  if (typeof value === 'number') return <span key="v" className="tok-number">{String(value)}</span>;
  return (
    <span key="v" className="tok-literal">
      {value === undefined ? 'undefined' : JSON.stringify(value)}
    </span>
  );
}
