/**
 * A JSON value as a tree whose objects and arrays fold (each toggle a button with aria-expanded). Children are
 * rendered only while their parent is open, long arrays a page at a time and long strings cut until asked for,
 * so a large value costs what is on screen. Text only: captured data is never parsed as HTML.
 */
import { useState } from 'react';

const ARRAY_PAGE = 100;
const LONG_STRING = 300;

export function JsonTree({ value, openDepth = 2, label = 'value' }: { value: unknown; openDepth?: number; label?: string }) {
  return (
    <ul className="jt jt-root">
      <JsonNode name={null} rootLabel={label} value={value} depth={0} openDepth={openDepth} />
    </ul>
  );
}

function JsonNode({ name, rootLabel, value, depth, openDepth }: { name: string | null; rootLabel?: string; value: unknown; depth: number; openDepth: number }) {
  const [open, setOpen] = useState(depth < openDepth);
  const isArray = Array.isArray(value);
  if (typeof value !== 'object' || value === null) {
    return (
      <li className="jt-leaf">
        {name !== null && <KeyLabel name={name} />}
        <Primitive value={value} />
      </li>
    );
  }
  const entries: [string, unknown][] = isArray ? (value as unknown[]).map((v, i) => [String(i), v]) : Object.entries(value);
  const count = entries.length;
  const summary = isArray ? `Array(${count})` : `{${count} ${count === 1 ? 'key' : 'keys'}}`;
  const [openBracket, closeBracket] = isArray ? ['[', ']'] : ['{', '}'];
  if (count === 0) {
    return (
      <li className="jt-leaf">
        {name !== null && <KeyLabel name={name} />}
        <span className="jt-punct">{isArray ? '[]' : '{}'}</span>
      </li>
    );
  }
  const what = name ?? rootLabel ?? 'value';
  return (
    <li className="jt-branch">
      <button
        type="button"
        className="jt-toggle"
        aria-expanded={open}
        aria-label={`${what}: ${isArray ? `array of ${count}` : `object with ${count} ${count === 1 ? 'key' : 'keys'}`}`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="jt-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {name !== null && <KeyLabel name={name} />}
        {!open && <span className="jt-summary">{summary}</span>}
        {open && <span className="jt-punct">{openBracket}</span>}
      </button>
      {open && (
        <>
          <Children entries={entries} isArray={isArray} depth={depth} openDepth={openDepth} />
          <span className="jt-punct jt-close">{closeBracket}</span>
        </>
      )}
    </li>
  );
}

function Children({ entries, isArray, depth, openDepth }: { entries: [string, unknown][]; isArray: boolean; depth: number; openDepth: number }) {
  const [shown, setShown] = useState(ARRAY_PAGE);
  const visible = entries.length > shown ? entries.slice(0, shown) : entries;
  return (
    <ul className="jt">
      {visible.map(([key, child]) => (
        <JsonNode key={key} name={key} value={child} depth={depth + 1} openDepth={openDepth} />
      ))}
      {entries.length > shown && (
        <li className="jt-leaf">
          <button type="button" className="link-button" onClick={() => setShown((n) => n + ARRAY_PAGE * 10)}>
            Show {Math.min(ARRAY_PAGE * 10, entries.length - shown).toLocaleString()} more of {(entries.length - shown).toLocaleString()}
          </button>
        </li>
      )}
    </ul>
  );
}

function KeyLabel({ name }: { name: string }) {
  return (
    <>
      <span className="tok-key">{name}</span>
      <span className="jt-punct">: </span>
    </>
  );
}

function Primitive({ value }: { value: unknown }) {
  const [full, setFull] = useState(false);
  if (typeof value === 'string') {
    const long = value.length > LONG_STRING && !full;
    const shown = long ? value.slice(0, LONG_STRING) : value;
    return (
      <>
        <span className="tok-string">{JSON.stringify(shown).slice(0, long ? -1 : undefined)}</span>
        {long && (
          <>
            <span className="tok-elided">… </span>
            <button type="button" className="link-button jt-more" onClick={() => setFull(true)}>
              show all {value.length.toLocaleString()} chars
            </button>
            <span className="tok-string">"</span>
          </>
        )}
      </>
    );
  }
  if (typeof value === 'number') return <span className="tok-number">{String(value)}</span>;
  if (typeof value === 'boolean' || value === null) return <span className="tok-literal">{String(value)}</span>;
  // undefined and other non-JSON values (never from JSON.parse, but args may be anything).
  return <span className="tok-elided">{String(value)}</span>;
}
