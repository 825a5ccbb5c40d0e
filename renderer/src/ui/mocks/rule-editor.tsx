/**
 * One rule as JSON in a CodeMirror 6 editor. Apply checks the text here first (JSON syntax with line and
 * column, then the rule schema with the field's path), then sends the whole list with this rule in its place;
 * when the core refuses, its message is shown and the text stays as it is, to be fixed.
 */
import { useRef, useState } from 'react';
import type { MockRule } from '../../../../shared/mocks/mock-rule.js';
import { useMocksStore, type RuleEditorTarget } from '../../state/mocks-store.js';
import { JsonEditor, type JsonEditorHandle } from '../code/json-editor.js';
import { checkRuleText } from './rule-check.js';

export function RuleEditor({ target, onApplied }: { target: RuleEditorTarget; onApplied: (rule: MockRule) => void }) {
  const editor = useRef<JsonEditorHandle>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const closeEditor = useMocksStore((s) => s.closeEditor);

  // The editor owns its text from here on; the parent keys this component by the target's serial to start over.
  const initialText = useRef(useMocksStore.getState().draft ?? target.text).current;
  const onChange = (text: string) => {
    // The text survives closing the dialog by mistake (Esc): reopening it shows the draft again.
    useMocksStore.setState({ draft: text });
    // An error about text that has changed since would point at the wrong place.
    setError(null);
  };

  const apply = async () => {
    const handle = editor.current;
    if (!handle) return;
    const checked = checkRuleText(handle.text());
    if (!checked.ok) {
      setError(checked.message);
      if (checked.offset !== undefined) handle.showError(checked.offset);
      else handle.focus();
      return;
    }
    const { rules, setRules } = useMocksStore.getState();
    const rule = checked.rule;
    if (rules.some((r) => r.id === rule.id && r.id !== target.ruleId)) {
      setError(`id: another rule already has the id "${rule.id}"; rule ids must be unique`);
      return;
    }
    const index = target.ruleId === null ? -1 : rules.findIndex((r) => r.id === target.ruleId);
    // A rule deleted meanwhile (in the config file, say) comes back at the end rather than being lost.
    const next = index === -1 ? [...rules, rule] : rules.map((r, i) => (i === index ? rule : r));
    setBusy(true);
    setError(null);
    try {
      await setRules(next);
      onApplied(rule);
    } catch (e) {
      setError(`Not applied: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="rule-editor" role="group" aria-label="Rule editor">
      <div className="rule-editor-head">
        <h3>{target.title}</h3>
        <span className="dialog-hint">
          Strings may use <code>{'{{args.city}}'}</code>, <code>{'{{toolCallId}}'}</code>, <code>{'{{functionName}}'}</code>.
        </span>
      </div>
      {target.note && <p className="rule-editor-note">{target.note}</p>}
      <JsonEditor ref={editor} className="rule-editor-code" initialText={initialText} label="Rule JSON" autoFocus onChange={onChange} />
      {error && (
        <p className="form-error rule-editor-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void apply()}>
          Apply
        </button>
        <button type="button" onClick={closeEditor}>
          Cancel
        </button>
        <span className="dialog-hint">
          {target.ruleId === null ? 'Apply adds the rule at the end of the list.' : 'Apply replaces the rule in its place.'} Rules are tried in
          order; the first enabled one that matches answers.
        </span>
      </div>
    </section>
  );
}
