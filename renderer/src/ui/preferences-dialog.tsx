/**
 * Preferences: what exports redact besides the built-in list (and the config file's `redaction`), and
 * whether they redact unless told otherwise. A JSON path that cannot be read is refused with the reason
 * before it is kept, so an export never silently skips a secret the user meant to hide.
 */
import { useState } from 'react';
import { DEFAULT_REDACTION_RULES, parseJsonPath } from '../../../shared/export/redaction.js';
import { useDialogStore } from '../state/dialog-store.js';
import { usePreferencesStore } from '../state/preferences-store.js';
import { ModalDialog } from './modal-dialog.js';

export function PreferencesDialog() {
  const close = useDialogStore((s) => s.close);
  const preferences = usePreferencesStore();
  const [headers, setHeaders] = useState(preferences.redactHeaders.join('\n'));
  const [params, setParams] = useState(preferences.redactQueryParams.join('\n'));
  const [paths, setPaths] = useState(preferences.redactJsonPaths.join('\n'));
  const [redactByDefault, setRedactByDefault] = useState(preferences.redactByDefault);
  const [saved, setSaved] = useState(false);

  const pathList = lines(paths);
  const pathErrors = pathList.flatMap((path) => {
    const parsed = parseJsonPath(path);
    return parsed.ok ? [] : [`${path}: ${parsed.error}`];
  });

  const save = () => {
    if (pathErrors.length > 0) return;
    preferences.update({ redactByDefault, redactHeaders: lines(headers), redactQueryParams: lines(params), redactJsonPaths: pathList });
    setSaved(true);
  };

  return (
    <ModalDialog label="Preferences" className="preferences-dialog" onClose={close}>
      <h3>Exports</h3>
      <label>
        <input type="checkbox" checked={redactByDefault} onChange={(e) => (setRedactByDefault(e.target.checked), setSaved(false))} /> Redact
        secrets in exports unless I turn it off for one export
      </label>
      <p className="dialog-hint">
        Always redacted: headers {DEFAULT_REDACTION_RULES.headers.join(', ')}; query parameters {DEFAULT_REDACTION_RULES.queryParams.join(', ')}.
        Session files themselves keep everything as captured.
      </p>
      <div className="preferences-grid">
        <label>
          More headers (one per line)
          <textarea rows={4} value={headers} onChange={(e) => (setHeaders(e.target.value), setSaved(false))} placeholder="X-Customer-Token" />
        </label>
        <label>
          More query parameters
          <textarea rows={4} value={params} onChange={(e) => (setParams(e.target.value), setSaved(false))} placeholder="session_token" />
        </label>
        <label>
          JSON paths in bodies, SSE data and frames
          <textarea
            rows={4}
            value={paths}
            aria-invalid={pathErrors.length > 0}
            onChange={(e) => (setPaths(e.target.value), setSaved(false))}
            placeholder={'arguments.card_number\nmessage.toolCallList[*].function.arguments.ssn'}
          />
        </label>
      </div>
      {pathErrors.length > 0 && (
        <ul className="form-error" role="alert">
          {pathErrors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" className="primary" disabled={pathErrors.length > 0} onClick={save}>
          Save preferences
        </button>
        {saved && <span role="status">Saved.</span>}
      </div>
    </ModalDialog>
  );
}

function lines(text: string): string[] {
  return [...new Set(text.split('\n').map((line) => line.trim()).filter((line) => line !== ''))];
}
