/** A binary payload: its first bytes as a hex dump, and the base64 text it was captured as. */
import { useState } from 'react';
import { base64ByteLength, hexDump } from '../body-text.js';
import { formatBytes } from '../format.js';

const BASE64_DISPLAY_LIMIT = 64 * 1024;

export function BinaryView({ base64 }: { base64: string }) {
  const [showBase64, setShowBase64] = useState(false);
  const bytes = base64ByteLength(base64);
  return (
    <div className="binary-view">
      <p className="muted">
        Binary data, {formatBytes(bytes)} captured{bytes > 256 ? '; the first 256 bytes:' : ':'}
      </p>
      <pre className="code hex-dump">{hexDump(base64, 256)}</pre>
      <button type="button" className="link-button" aria-expanded={showBase64} onClick={() => setShowBase64((v) => !v)}>
        {showBase64 ? 'Hide base64' : 'Show base64'}
      </button>
      {showBase64 && (
        <pre className="code wrap">
          {base64.length > BASE64_DISPLAY_LIMIT ? `${base64.slice(0, BASE64_DISPLAY_LIMIT)}… (${(base64.length - BASE64_DISPLAY_LIMIT).toLocaleString()} more characters)` : base64}
        </pre>
      )}
    </div>
  );
}
