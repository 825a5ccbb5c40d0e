/**
 * A CodeMirror 6 editor for JSON text (a rule, a request body, a result to inject, a held item). The editor
 * owns its text once mounted: the parent reads it through the handle and keys the component to start over
 * with new text. `showError` puts the cursor where a check found the mistake.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { syntaxHighlighting } from '@codemirror/language';
import { classHighlighter } from '@lezer/highlight';

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

export interface JsonEditorHandle {
  text(): string;
  /** Replaces the whole text (an "arguments" editor rebuilding the body, a template chosen). */
  setText(text: string): void;
  /** Moves the cursor to `offset`, scrolls there and focuses the editor. */
  showError(offset: number): void;
  focus(): void;
}

export interface JsonEditorProps {
  initialText: string;
  /** The editor's accessible name ("Request body", "Rule JSON" …). */
  label: string;
  /** Plain text instead of JSON (a body that is not JSON): no JSON highlighting. */
  plain?: boolean;
  autoFocus?: boolean;
  className?: string;
  onChange?(text: string): void;
}

export const JsonEditor = forwardRef<JsonEditorHandle, JsonEditorProps>(function JsonEditor(props, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // Read through a ref so a new callback each render does not rebuild the editor.
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const { initialText, label, plain, autoFocus } = props;

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const editor = new EditorView({
      parent,
      state: EditorState.create({
        doc: initialText,
        extensions: [
          basicSetup,
          ...(plain ? [] : [json()]),
          syntaxHighlighting(classHighlighter),
          editorTheme,
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    // After a dialog's own focus move: showModal may run after this effect.
    const frame = autoFocus ? requestAnimationFrame(() => editor.focus()) : 0;
    return () => {
      if (frame) cancelAnimationFrame(frame);
      editor.destroy();
      view.current = null;
    };
  }, [initialText, label, plain, autoFocus]);

  useImperativeHandle(
    ref,
    () => ({
      text: () => view.current?.state.doc.toString() ?? initialText,
      setText: (text) => {
        const editor = view.current;
        if (editor) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
      },
      showError: (offset) => {
        const editor = view.current;
        if (!editor) return;
        editor.dispatch({ selection: { anchor: Math.min(offset, editor.state.doc.length) }, scrollIntoView: true });
        editor.focus();
      },
      focus: () => view.current?.focus(),
    }),
    [initialText],
  );

  return <div className={props.className ?? 'json-editor'} ref={host} />;
});
