/** The payload of one WebSocket frame: JSON pretty-printed, other text as is, binary as hex and base64. */
import type { EventOf } from '../../../../shared/events.js';
import { utf8ByteLength } from '../../../../shared/text-bytes.js';
import { base64ByteLength } from '../body-text.js';
import { BinaryView } from './binary-view.js';
import { TextBody } from './body-view.js';
import { formatBytes } from '../format.js';

export function FrameData({ frame }: { frame: EventOf<'ws.frame'> }) {
  const captured = frame.encoding === 'base64' ? base64ByteLength(frame.data) : utf8ByteLength(frame.data);
  return (
    <div className="frame-data">
      <p className="body-meta">
        {frame.opcode} frame · {formatBytes(frame.size)}
        {frame.truncated && (
          <span className="truncated-note">
            captured {formatBytes(captured)} of {formatBytes(frame.size)}
          </span>
        )}
      </p>
      {frame.size === 0 ? (
        <p className="muted">Empty frame.</p>
      ) : frame.encoding === 'base64' ? (
        <BinaryView base64={frame.data} />
      ) : (
        <TextBody text={frame.data} truncated={frame.truncated} />
      )}
    </div>
  );
}
