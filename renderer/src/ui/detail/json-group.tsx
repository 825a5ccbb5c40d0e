/**
 * A titled JSON value (a call's arguments or result, a tool's schema) as a group: a foldable tree, or the
 * text exactly as it travelled; "Expand all" and "Collapse all" rebuild the tree at another depth.
 */
import { useState, type ReactNode } from 'react';
import { JsonTree } from './json-tree.js';
import { RawBody } from './body-view.js';

export function JsonGroup({
  label,
  value,
  raw,
  note,
  openDepth = 2,
  children,
}: {
  label: string;
  /** The parsed value; undefined shows the raw text only. */
  value: unknown;
  /** The text as it travelled; null when there is none. */
  raw: string | null;
  /** A line under the title (why the value is missing, how it was read). */
  note?: ReactNode;
  openDepth?: number;
  /** Shown instead of the value (nothing to show yet). */
  children?: ReactNode;
}) {
  const hasTree = value !== undefined && children === undefined;
  const [mode, setMode] = useState<'tree' | 'raw'>('tree');
  const [depth, setDepth] = useState({ depth: openDepth, generation: 0 });
  const showTree = hasTree && (mode === 'tree' || raw === null);
  return (
    <section className="dp-group" role="group" aria-label={label}>
      <div className="dp-group-head">
        <h3>{label}</h3>
        {hasTree && raw !== null && (
          // Not a named group: a name containing the label would make "Arguments" ambiguous to tests and readers.
          <div className="segmented">
            <button type="button" aria-pressed={mode === 'tree'} onClick={() => setMode('tree')}>
              Tree
            </button>
            <button type="button" aria-pressed={mode === 'raw'} onClick={() => setMode('raw')}>
              Raw
            </button>
          </div>
        )}
        {showTree && typeof value === 'object' && value !== null && (
          <span className="dp-group-tools">
            <button type="button" className="link-button" onClick={() => setDepth((d) => ({ depth: Infinity, generation: d.generation + 1 }))}>
              Expand all
            </button>
            <button type="button" className="link-button" onClick={() => setDepth((d) => ({ depth: 1, generation: d.generation + 1 }))}>
              Collapse all
            </button>
          </span>
        )}
      </div>
      {note && <p className="dp-group-note">{note}</p>}
      {children ??
        (showTree ? (
          <div className="dp-tree-box">
            <JsonTree key={depth.generation} value={value} openDepth={depth.depth} label={label.toLowerCase()} />
          </div>
        ) : raw !== null ? (
          <RawBody text={raw} />
        ) : (
          <p className="muted">None.</p>
        ))}
    </section>
  );
}
