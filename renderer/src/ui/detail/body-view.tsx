/**
 * A captured HTTP body: pretty JSON or the raw text, binary as a hex dump plus its base64. Always says how much
 * was captured, because a truncated body that looks complete misleads.
 *
 * Large bodies are rendered lazily: past LARGE_BODY characters the body opens raw, cut at RAW_PREVIEW with a
 * "Show all" button, and is parsed as JSON only when the user asks for the pretty view.
 */
import { useMemo, useState } from 'react';
import type { CapturedBody } from '../../../../shared/events.js';
import { bodyCapturedBytes, bodyTotalBytes, parseJsonText } from '../body-text.js';
import { formatBytes } from '../format.js';
import { BinaryView } from './binary-view.js';
import { JsonView } from './json-view.js';

/** Bodies longer than this (in characters) are neither parsed nor shown in full until asked. */
export const LARGE_BODY = 64 * 1024;
/** How much of a large raw body is shown before "Show all". */
export const RAW_PREVIEW = 16 * 1024;

export function BodyView({ body, contentType, missing, label }: { body: CapturedBody | null; contentType?: string | undefined; missing: string; label?: string }) {
  if (!body) return <p className="muted">{missing}</p>;
  return (
    <div className="body-view">
      <BodyMeta body={body} contentType={contentType} />
      {bodyTotalBytes(body) === 0 ? (
        <p className="muted">Empty body.</p>
      ) : body.encoding === 'base64' ? (
        <BinaryView base64={body.data} />
      ) : (
        <TextBody text={body.data} truncated={body.truncated} label={label} />
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

/** Text that may be JSON: Pretty and Raw views; large text opens raw and cut. */
export function TextBody({ text, truncated, label }: { text: string; truncated: boolean; label?: string | undefined }) {
  const large = text.length > LARGE_BODY;
  const looksJson = /^\s*[[{]/.test(text);
  // Small text is parsed at once to choose the view; large text only when the pretty view is asked for.
  const [mode, setMode] = useState<'pretty' | 'raw'>(large ? 'raw' : 'pretty');
  const wantParse = looksJson && (!large || mode === 'pretty');
  const json = useMemo(() => (wantParse ? parseJsonText(text) : null), [wantParse, text]);
  const canPretty = looksJson && (json === null || json.ok);
  const showPretty = mode === 'pretty' && json?.ok === true;
  return (
    <div className="text-body">
      {canPretty && (
        <div className="segmented" role="group" aria-label={label ? `${label} view` : 'Body view'}>
          <button type="button" aria-pressed={showPretty} onClick={() => setMode('pretty')}>
            Pretty
          </button>
          <button type="button" aria-pressed={!showPretty} onClick={() => setMode('raw')}>
            Raw
          </button>
          {large && mode === 'raw' && <span className="muted segmented-note">large body: pretty view on demand</span>}
        </div>
      )}
      {!canPretty && truncated && looksJson && <p className="muted">The captured part is not complete JSON, so it is shown as text.</p>}
      {showPretty ? <JsonView value={json.value} /> : <RawBody key={text.length} text={text} />}
    </div>
  );
}

/** Raw text, cut at RAW_PREVIEW characters when large until "Show all". */
export function RawBody({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  const cut = !all && text.length > LARGE_BODY;
  return (
    <>
      <pre className="code">
        {cut ? text.slice(0, RAW_PREVIEW) : text}
      </pre>
      {cut && (
        <p className="show-all">
          <span className="muted">
            Showing the first {RAW_PREVIEW.toLocaleString()} of {text.length.toLocaleString()} characters.{' '}
          </span>
          <button type="button" className="link-button" onClick={() => setAll(true)}>
            Show all
          </button>
        </p>
      )}
    </>
  );
}
