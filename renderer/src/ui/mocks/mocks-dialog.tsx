/**
 * The Mocks dialog: the rules the proxy answers calls with, in the order they are tried, with their hit
 * counts; turn them on and off, reorder, edit as JSON, delete, add one from a template, and save them to the
 * config file. Every change sends the whole list to the core, which runs it from the next request on.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isRealtimeHandler, type MockRule } from '../../../../shared/mocks/mock-rule.js';
import { useDialogStore } from '../../state/dialog-store.js';
import { pollMocks, ruleLabel, ruleText, useMocksStore } from '../../state/mocks-store.js';
import { useTrafficStore } from '../../state/traffic-store.js';
import { ModalDialog } from '../modal-dialog.js';
import { handlerSummary, matcherSummary } from './rule-summary.js';
import { RuleEditor } from './rule-editor.js';
import { RULE_TEMPLATES, ruleFromTemplate } from './rule-templates.js';
import './mocks.css';

export function MocksDialog() {
  const close = useDialogStore((s) => s.close);
  // Not the draft: the editor keeps its own text, and the list need not re-render on every keystroke.
  const { rules, hits, configFile, configError, loaded, loadError, editor } = useMocksStore(
    useShallow((s) => ({ rules: s.rules, hits: s.hits, configFile: s.configFile, configError: s.configError, loaded: s.loaded, loadError: s.loadError, editor: s.editor })),
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => pollMocks(), []);

  // List actions send the whole list; a refusal (or a lost connection) is shown, and the list stays as the core has it.
  const change = async (next: readonly MockRule[], done: string) => {
    setError(null);
    try {
      await useMocksStore.getState().setRules(next);
      setNotice(done);
    } catch (e) {
      setError(`Not changed: ${(e as Error).message}`);
    }
  };
  const move = (index: number, by: -1 | 1) => {
    const next = [...rules];
    const [rule] = next.splice(index, 1);
    if (!rule) return;
    next.splice(index + by, 0, rule);
    void change(next, `Moved ${ruleLabel(rule)} ${by < 0 ? 'up' : 'down'}.`);
  };
  const save = async () => {
    setError(null);
    try {
      const path = await useMocksStore.getState().save();
      setNotice(`Saved ${rules.length} rule${rules.length === 1 ? '' : 's'} to ${path}.`);
    } catch (e) {
      setError(`Not saved: ${(e as Error).message}`);
    }
  };
  const addFrom = (templateId: string) => {
    const template = RULE_TEMPLATES.find((t) => t.id === templateId);
    if (!template) return;
    const rule = ruleFromTemplate(template, new Set(rules.map((r) => r.id)));
    useMocksStore.getState().editNew(`New rule: ${template.label}`, ruleText(rule));
  };

  return (
    <ModalDialog label="Mocks" className="mocks-dialog" onClose={close}>
      <p className="dialog-hint">
        Mock rules answer function calls in place of the backend. They are tried in order; the first enabled rule that matches a call
        answers it, and calls no rule matches go to the backend as usual.
      </p>
      {configError && (
        <p className="form-error mocks-config-error" role="alert">
          The config file's mocks were not applied: {configError} The rules below are the last good ones.
        </p>
      )}
      {(loadError || error) && (
        <p className="form-error" role="alert">
          {error ?? `Could not read the mock rules: ${loadError}`}
        </p>
      )}
      {loaded ? (
        <RuleTable
          rules={rules}
          hits={hits}
          editingId={editor?.ruleId ?? null}
          onToggle={(index, enabled) => {
            const rule = rules[index]!;
            void change(
              rules.map((r, i) => (i === index ? { ...r, enabled } : r)),
              `${enabled ? 'Enabled' : 'Disabled'} ${ruleLabel(rule)}.`,
            );
          }}
          onMove={move}
          onEdit={(rule) => useMocksStore.getState().editRule(rule)}
          onDelete={(index) => {
            const rule = rules[index]!;
            if (editor?.ruleId === rule.id) useMocksStore.getState().closeEditor();
            void change(
              rules.filter((_, i) => i !== index),
              `Deleted ${ruleLabel(rule)}.`,
            );
          }}
        />
      ) : (
        !loadError && <p role="status">Reading the mock rules…</p>
      )}
      <div className="dialog-actions">
        <div className="mocks-add" role="group" aria-label="Add rule">
          <span className="mocks-add-label">Add rule:</span>
          {RULE_TEMPLATES.map((template) => (
            <button key={template.id} type="button" onClick={() => addFrom(template.id)}>
              {template.label}
            </button>
          ))}
        </div>
      </div>
      {editor && (
        <RuleEditor
          key={editor.serial}
          target={editor}
          onApplied={(rule) => {
            useMocksStore.getState().closeEditor();
            setNotice(`Applied ${ruleLabel(rule)}: it answers matching calls from now on.`);
          }}
        />
      )}
      <div className="dialog-actions mocks-save">
        <button
          type="button"
          disabled={configFile === null}
          aria-describedby="mocks-save-hint"
          title={configFile === null ? 'Toolscope was started without a config file' : `Write the rules into ${configFile}`}
          onClick={() => void save()}
        >
          Save to config file
        </button>
        <span id="mocks-save-hint" className="dialog-hint">
          {configFile === null ? (
            <>
              No config file: these rules last until Toolscope stops. Start it with <code>--config toolscope.config.json</code> to keep them.
            </>
          ) : (
            <>
              Changes apply at once and last until Toolscope stops; saving writes them into <code>{configFile}</code> (its other settings are kept).
            </>
          )}
        </span>
      </div>
      <p role="status" className="mocks-notice">
        {notice ?? ''}
      </p>
    </ModalDialog>
  );
}

interface RuleTableProps {
  rules: readonly MockRule[];
  hits: Readonly<Record<string, number>>;
  editingId: string | null;
  onToggle(index: number, enabled: boolean): void;
  onMove(index: number, by: -1 | 1): void;
  onEdit(rule: MockRule): void;
  onDelete(index: number): void;
}

function RuleTable(props: RuleTableProps) {
  const { rules } = props;
  // Rules run on this core's routes, so the live ones name them even while a session file is shown.
  const routes = useTrafficStore((s) => s.traffic.routes);
  const routePort = (routeId: string) => routes.get(routeId)?.listen.port;
  if (rules.length === 0) return <p className="dialog-hint mocks-empty">No mock rules yet: add one below, or use "Mock this" on a call's details.</p>;
  return (
    <div className="sessions-scroll mocks-scroll">
      <table className="sessions-table mocks-table" aria-label="Mock rules">
        <thead>
          <tr>
            <th scope="col" className="mocks-col-on">
              On
            </th>
            <th scope="col" className="mocks-col-name">
              Name
            </th>
            <th scope="col">Matches → answers</th>
            <th scope="col" className="num mocks-col-hits">
              Hits
            </th>
            <th scope="col" className="mocks-col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule, index) => {
            const label = ruleLabel(rule);
            const hits = props.hits[rule.id] ?? 0;
            const matches = matcherSummary(rule.match, isRealtimeHandler(rule.handler), routePort);
            const answers = handlerSummary(rule.handler);
            return (
              <tr key={rule.id} className={`${rule.enabled ? '' : 'mocks-off'}${props.editingId === rule.id ? ' mocks-editing' : ''}`}>
                <td>
                  <input type="checkbox" aria-label={`Enable ${label}`} checked={rule.enabled} onChange={(e) => props.onToggle(index, e.target.checked)} />
                </td>
                <td className="mocks-name" title={`id ${rule.id}`}>
                  {label}
                </td>
                <td className="mocks-summary" title={`${matches} → ${answers}`}>
                  <span className="mono">{matches}</span> <span aria-hidden="true">→</span>
                  <span className="visually-hidden">answered with</span> <span className="mono">{answers}</span>
                </td>
                <td className="num" aria-label={`${hits} hit${hits === 1 ? '' : 's'}`}>
                  {hits}
                </td>
                <td className="mocks-actions">
                  <button type="button" aria-label={`Move ${label} up`} disabled={index === 0} onClick={() => props.onMove(index, -1)}>
                    Up
                  </button>
                  <button type="button" aria-label={`Move ${label} down`} disabled={index === rules.length - 1} onClick={() => props.onMove(index, 1)}>
                    Down
                  </button>
                  <button type="button" aria-label={`Edit ${label}`} onClick={() => props.onEdit(rule)}>
                    Edit
                  </button>
                  <button type="button" aria-label={`Delete ${label}`} onClick={() => props.onDelete(index)}>
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
