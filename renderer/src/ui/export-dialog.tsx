/**
 * Export HAR: everything on screen (live or an opened session) or only what the filter shows, redacted by
 * default. The HAR is made in the page from the same folded traffic the lists show, and saved as a download
 * (the desktop app asks where to save it).
 */
import { useEffect, useMemo, useState } from 'react';
import { buildHar, harFileName } from '../../../shared/export/har-export.js';
import { DEFAULT_REDACTION_RULES, mergeRedactionRules, redactHar, type RedactionRules } from '../../../shared/export/redaction.js';
import { getBridge } from '../bridge/get-bridge.js';
import { useDialogStore } from '../state/dialog-store.js';
import { shownScope, viewIsFiltered } from '../state/export-scope.js';
import { usePreferencesStore } from '../state/preferences-store.js';
import { useTimelineStore } from '../state/timeline-store.js';
import { useTrafficStore } from '../state/traffic-store.js';
import { useViewStore } from '../state/view-store.js';
import { ModalDialog } from './modal-dialog.js';
import { downloadFile } from './download-file.js';

export function ExportDialog() {
  const close = useDialogStore((s) => s.close);
  const show = useDialogStore((s) => s.show);
  const session = useViewStore((s) => s.session);
  const preferences = usePreferencesStore();
  const filtered = useMemo(() => viewIsFiltered(), []);
  const [onlyShown, setOnlyShown] = useState(false);
  const [redact, setRedact] = useState(preferences.redactByDefault);
  const [configRules, setConfigRules] = useState<Partial<RedactionRules>>({});
  const [appVersion, setAppVersion] = useState('unknown');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getBridge()
      .call('info', {})
      .then(
        (info) => {
          setConfigRules(info.config?.redaction ?? {});
          setAppVersion(info.appVersion);
        },
        () => setConfigRules({}),
      );
  }, []);

  const rules = mergeRedactionRules(DEFAULT_REDACTION_RULES, configRules, {
    headers: preferences.redactHeaders,
    queryParams: preferences.redactQueryParams,
    jsonPaths: preferences.redactJsonPaths,
  });

  const exportNow = () => {
    setError(null);
    try {
      const live = useTrafficStore.getState();
      const traffic = session?.traffic ?? live.traffic;
      const analysis = session?.analysis ?? live.analysis;
      const clearedAfterSeq = session ? 0 : useTimelineStore.getState().clearedAfterSeq;
      const include = onlyShown ? shownScope(traffic, analysis, clearedAfterSeq) : undefined;
      const har = buildHar(traffic, { creator: { name: 'Toolscope', version: appVersion }, ...(include ? { include } : {}) });
      const { har: out, redacted } = redact ? redactHar(har, rules) : { har, redacted: 0 };
      const startedAt = session ? new Date(session.header.startedAt) : new Date(traffic.firstT ?? Date.now());
      const name = harFileName(startedAt);
      downloadFile(name, new Blob([JSON.stringify(out, null, 2)], { type: 'application/json' }));
      const entries = out.log.entries.length;
      setResult(
        `Saved ${name}: ${entries} entr${entries === 1 ? 'y' : 'ies'}, ${redact ? `${redacted} value${redacted === 1 ? '' : 's'} redacted` : 'not redacted'}.`,
      );
    } catch (e) {
      setError(`Export failed: ${(e as Error).message}`);
    }
  };

  return (
    <ModalDialog label="Export HAR" className="export-dialog" onClose={close}>
      <p className="dialog-hint">
        A HAR 1.2 file of {session ? <strong>{session.label}</strong> : 'the live session'}: HTTP exchanges with whole SSE streams, and
        WebSocket frames in Chrome's <code>_webSocketMessages</code>. It opens in Chrome DevTools and imports back into Toolscope.
      </p>
      <fieldset className="dialog-fieldset">
        <legend>What</legend>
        <label>
          <input type="radio" name="export-scope" checked={!onlyShown} onChange={() => setOnlyShown(false)} /> Everything in this session
        </label>
        <label>
          <input type="radio" name="export-scope" checked={onlyShown} disabled={!filtered} onChange={() => setOnlyShown(true)} /> Only what the
          filter shows{filtered ? ' (whole exchanges and connections)' : ' (no filter is set)'}
        </label>
      </fieldset>
      <fieldset className="dialog-fieldset">
        <legend>Secrets</legend>
        <label>
          <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} /> Redact secrets
        </label>
        <p className="dialog-hint">
          {redact ? (
            <>
              Values become <code>[redacted]</code>: {rules.headers.length} headers, {rules.queryParams.length} query parameters
              {rules.jsonPaths.length > 0 ? `, ${rules.jsonPaths.length} JSON paths` : ''}, cookies and URL passwords.{' '}
            </>
          ) : (
            <strong className="warn-text">Tokens, cookies and API keys will be in the file as captured. </strong>
          )}
          <button type="button" className="link-button" onClick={() => show('preferences')}>
            Change in Preferences…
          </button>
        </p>
        {redact && (
          <details className="redaction-list">
            <summary>What is redacted</summary>
            <dl>
              <dt>Headers</dt>
              <dd>{rules.headers.join(', ')}</dd>
              <dt>Query parameters</dt>
              <dd>{rules.queryParams.join(', ')}</dd>
              {rules.jsonPaths.length > 0 && (
                <>
                  <dt>JSON paths</dt>
                  <dd>{rules.jsonPaths.join(', ')}</dd>
                </>
              )}
            </dl>
          </details>
        )}
      </fieldset>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={exportNow}>
          Export HAR
        </button>
      </div>
      {result && <p role="status">{result}</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </ModalDialog>
  );
}
