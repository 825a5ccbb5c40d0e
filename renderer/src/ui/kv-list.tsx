/** Label/value pairs in two aligned columns; entries whose value is null are left out. */
import type { ReactNode } from 'react';

export type KvEntry = readonly [label: string, value: ReactNode];

export function KvList({ entries }: { entries: readonly (KvEntry | null | false)[] }) {
  return (
    <dl className="kv-list">
      {entries.map((entry) =>
        entry && entry[1] !== null && entry[1] !== undefined ? (
          <div key={entry[0]} className="kv-entry">
            <dt>{entry[0]}</dt>
            <dd>{entry[1]}</dd>
          </div>
        ) : null,
      )}
    </dl>
  );
}
