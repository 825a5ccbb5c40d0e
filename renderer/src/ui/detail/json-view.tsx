/**
 * Pretty-printed JSON with light syntax colouring. Very long strings (base64 audio, embedded documents) are
 * shortened until the user asks for them, so a megabyte-sized value never buries its structure.
 */
import { useMemo, useState, type ReactNode } from 'react';

const LONG_STRING = 300;
/** Colouring costs a span per token; beyond this size the text is shown plain. */
const HIGHLIGHT_LIMIT = 150_000;
const ELIDED_MARK = '\u0000';

export function JsonView({ value }: { value: unknown }) {
  const [full, setFull] = useState(false);
  const { text, elided } = useMemo(() => prettyJson(value, full ? Infinity : LONG_STRING), [value, full]);
  const content = useMemo(() => (text.length > HIGHLIGHT_LIMIT ? text : highlight(text)), [text]);
  return (
    <div className="json-view">
      {elided > 0 && (
        <button type="button" className="link-button" onClick={() => setFull(true)}>
          Show {elided === 1 ? 'the long string' : `${elided} long strings`} in full
        </button>
      )}
      <pre className="code">{content}</pre>
    </div>
  );
}

function prettyJson(value: unknown, maxString: number): { text: string; elided: number } {
  let elided = 0;
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'string' && v.length > maxString) {
        elided++;
        return `${v.slice(0, maxString)}${ELIDED_MARK}${v.length - maxString}`;
      }
      return v;
    },
    2,
  );
  return { text: text ?? String(value), elided };
}

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
const ELIDED_IN_STRING = /\\u0000(\d+)"$/;

function highlight(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index;
    if (index > last) out.push(text.slice(last, index));
    const [whole, str, colon, literal, number] = match;
    if (str !== undefined) {
      const elided = ELIDED_IN_STRING.exec(str);
      const cls = colon ? 'tok-key' : 'tok-string';
      if (elided) {
        out.push(
          <span key={key++} className={cls}>
            {str.slice(0, elided.index)}
            <span className="tok-elided">… +{Number(elided[1]).toLocaleString()} chars</span>"
          </span>,
        );
      } else {
        out.push(
          <span key={key++} className={cls}>
            {str}
          </span>,
        );
      }
      if (colon) out.push(colon);
    } else if (literal !== undefined) {
      out.push(
        <span key={key++} className="tok-literal">
          {literal}
        </span>,
      );
    } else if (number !== undefined) {
      out.push(
        <span key={key++} className="tok-number">
          {number}
        </span>,
      );
    }
    last = index + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
