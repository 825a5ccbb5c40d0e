/**
 * One rule as JSON in a CodeMirror 6 editor. Apply checks the text here first (JSON syntax with line and
 * column, then the rule schema with the field's path), then sends the whole list with this rule in its place;
 * when the core refuses, its message is shown and the text stays as it is, to be fixed.
 */
import { useEffect, useRef, useState } from 'react';
import { basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { syntaxHighlighting } from '@codemirror/language';
import { classHighlighter } from '@lezer/highlight';
import type { MockRule } from '../../../../shared/mocks/mock-rule.js';
import { useMocksStore, type RuleEditorTarget } from '../../state/mocks-store.js';
import { checkRuleText } from './rule-check.js';

/** Colours come from the page's variables, so the editor follows the light and dark schemes with the rest. */
const editorTheme = EditorView.theme({
  '&': { backgroundColor: 'var(--bg)', color: 'var(--fg)', fontSize: '12px' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-softer)', color: 'var(--fg-faint)', borderRight: '1px solid var(--border-soft)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--bg-soft)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': { backgroundColor: 'var(--row-selected)' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--row-hover)', outline: '1px solid var(--border)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.45' },
});

export function RuleEditor({ target, onApplied }: { target: RuleEditorTarget; onApplied: (rule: MockRule) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const closeEditor = useMocksStore((s) => s.closeEditor);

  // The editor owns its text from here on; the parent keys this component by the target's serial to start over.
  const initialText = useRef(useMocksStore.getState().draft ?? target.text).current;
  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const editor = new EditorView({
      parent,
      state: EditorState.create({
        doc: initialText,
        extensions: [
          basicSetup,
          json(),
          syntaxHighlighting(classHighlighter),
          editorTheme,
          EditorView.contentAttributes.of({ 'aria-label': 'Rule JSON' }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            // The text survives closing the dialog by mistake (Esc): reopening it shows the draft again.
            useMocksStore.setState({ draft: update.state.doc.toString() });
            // An error about text that has changed since would point at the wrong place.
            setError(null);
          }),
        ],
      }),
    });
    view.current = editor;
    // After the dialog's own focus move: when the dialog opens with the editor ("Mock this"), showModal runs later.
    const frame = requestAnimationFrame(() => editor.focus());
    return () => {
      cancelAnimationFrame(frame);
      editor.destroy();
      view.current = null;
    };
  }, [initialText]);

  const apply = async () => {
    const editor = view.current;
    if (!editor) return;
    const checked = checkRuleText(editor.state.doc.toString());
    if (!checked.ok) {
      setError(checked.message);
      if (checked.offset !== undefined) editor.dispatch({ selection: { anchor: checked.offset }, scrollIntoView: true });
      editor.focus();
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
      <div className="rule-editor-code" ref={host} />
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
