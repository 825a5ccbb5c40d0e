/** Headers in the order and case they were received; repeats stay separate rows. */
import type { HeaderList } from '../../../../shared/events.js';

export function HeadersTable({ headers, label }: { headers: HeaderList; label: string }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
    <table className="headers-table" aria-label={label}>
      <colgroup>
        <col className="header-name-col" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {headers.map(([name, value], i) => (
          <tr key={i}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
