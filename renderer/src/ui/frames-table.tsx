/** The frames of one WebSocket connection, newest last; clicking one shows its data. */
import type { EventOf } from '../../../shared/events.js';
import { CompactList } from './compact-list.js';
import { directionArrow, directionWords } from './direction.js';
import { formatBytes, looksLikeAudio, messageType, preview } from './format.js';

export function FramesTable({
  frames,
  openT,
  selected,
  onSelect,
}: {
  frames: readonly EventOf<'ws.frame'>[];
  openT: number;
  selected: number | null;
  onSelect(index: number | null): void;
}) {
  return (
    <CompactList
      label="Frames"
      items={frames}
      columns="1.5em 6.5em 4em 5.5em minmax(0, 1fr)"
      header={
        <>
          <span />
          <span className="num">+ms</span>
          <span>Opcode</span>
          <span className="num">Size</span>
          <span>Data</span>
        </>
      }
      itemLabel={(f, i) => `Frame ${i} ${directionWords(f.direction)} ${f.opcode} ${messageType(f.data) ?? ''}`.trim()}
      itemClass={(f) => (f.opcode === 'text' && looksLikeAudio(messageType(f.data)) ? 'dim' : '')}
      renderCells={(f) => (
        <>
          <span className={`dir dir-${f.direction}`} title={directionWords(f.direction)}>
            {directionArrow(f.direction)}
          </span>
          <span className="num">{(f.t - openT).toFixed(1)}</span>
          <span>{f.opcode}</span>
          <span className="num">{formatBytes(f.size)}</span>
          <span className="cell-preview mono">{f.encoding === 'base64' ? `(binary) ${preview(f.data, 60)}` : preview(f.data, 200)}</span>
        </>
      )}
      selected={selected}
      onSelect={onSelect}
    />
  );
}
