/**
 * A captured HTTP body: pretty JSON when it parses, else the raw text; binary as a hex dump plus its base64.
 * Always says how much was captured, because a truncated body that looks complete misleads.
 */
import { useMemo, useState } from 'react';
import type { CapturedBody } from '../../../shared/events.js';
import { bodyCapturedBytes, bodyTotalBytes, parseJsonText } from './body-text.js';
import { BinaryView } from './binary-view.js';
import { formatBytes } from './format.js';
import { JsonView } from './json-view.js';

/** Raw text beyond this is cut in the view (not in the capture) so the page stays responsive. */
const RAW_DISPLAY_LIMIT = 512 * 1024;

export function BodyView({ body, contentType, missing }: { body: CapturedBody | null; contentType?: string | undefined; missing: string }) {
  if (!body) return <p className="muted">{missing}</p>;
  return (
    <div className="body-view">
      <BodyMeta body={body} contentType={contentType} />
      {bodyTotalBytes(body) === 0 ? (
        <p className="muted">Empty body.</p>
      ) : body.encoding === 'base64' ? (
        <BinaryView base64={body.data} />
      ) : (
        <TextBody text={body.data} truncated={body.truncated} />
      )}
    </div>
  );
}

function BodyMeta({ body, contentType }: { body: CapturedBody; contentType?: string | undefined }) {
  const parts: string[] = [];
  if (contentType) parts.push(contentType);
  parts.push(formatBytes(bodyTotalBytes(body)));
  if (body.encoding === 'base64') parts.push('binary, shown as base64');
  if (body.contentEncoding) {
    parts.push(
      body.decoded
        ? `${body.contentEncoding}-decoded (${formatBytes(body.size)} on the wire)`
        : `${body.contentEncoding}, not decoded${body.decodeError ? `: ${body.decodeError}` : ''}`,
    );
  }
  return (
    <p className="body-meta">
      {parts.join(' · ')}
      {body.truncated && (
        <span className="truncated-note">
          captured {formatBytes(bodyCapturedBytes(body))} of {formatBytes(bodyTotalBytes(body))}
        </span>
      )}
    </p>
  );
}

export function TextBody({ text, truncated }: { text: string; truncated: boolean }) {
  const json = useMemo(() => parseJsonText(text), [text]);
  const [mode, setMode] = useState<'pretty' | 'raw'>('pretty');
  const shown = text.length > RAW_DISPLAY_LIMIT ? `${text.slice(0, RAW_DISPLAY_LIMIT)}\n… (${(text.length - RAW_DISPLAY_LIMIT).toLocaleString()} more characters not shown)` : text;
  if (!json.ok) {
    return (
      <>
        {truncated && /^\s*[[{]/.test(text) && <p className="muted">The captured part is not complete JSON, so it is shown as text.</p>}
        <pre className="code">{shown}</pre>
      </>
    );
  }
  return (
    <>
      <div className="segmented" role="group" aria-label="Body view">
        <button type="button" aria-pressed={mode === 'pretty'} onClick={() => setMode('pretty')}>
          Pretty
        </button>
        <button type="button" aria-pressed={mode === 'raw'} onClick={() => setMode('raw')}>
          Raw
        </button>
      </div>
      {mode === 'pretty' ? <JsonView value={json.value} /> : <pre className="code">{shown}</pre>}
    </>
  );
}
