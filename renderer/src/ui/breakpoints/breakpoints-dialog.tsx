/**
 * The Breakpoints dialog: the rules that hold webhook requests (before the upstream), responses (before the
 * bot) and WebSocket frames; turn them on and off, delete them, and add one from a form (function name, route,
 * path, frame type, stage, direction, timeout). Every change sends the whole list to the core (`setBreakpoints`);
 * a refusal is shown and the list stays as the core has it. What is held shows in the bar under the header.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { breakpointRuleSchema, DEFAULT_PAUSE_TIMEOUT_MS, type BreakpointRule } from '../../../../shared/breakpoints/breakpoint-rule.js';
import type { PauseStage, WsDirection } from '../../../../shared/events.js';
import type { MockMatcher } from '../../../../shared/mocks/mock-rule.js';
import { breakpointLabel, useBreakpointsStore } from '../../state/breakpoints-store.js';
import { useDialogStore } from '../../state/dialog-store.js';
import { useTrafficStore } from '../../state/traffic-store.js';
import { listenAddress } from '../format.js';
import { ModalDialog } from '../modal-dialog.js';
import { describeIssue } from '../mocks/rule-check.js';
import { matcherSummary } from '../mocks/rule-summary.js';
import { useHeldItems } from './held-bar.js';
import { PauseIcon } from './pause-icon.js';
import './breakpoints.css';

/** A sentence the dialog opens with (set by "Pause calls of …"). */
let openingNotice: string | null = null;
export function setBreakpointsNotice(notice: string): void {
  openingNotice = notice;
}

const STAGE_WORDS: Record<PauseStage, string> = {
  request: 'request, before the upstream',
  response: 'response, before the bot',
  frame: 'WebSocket frame',
};

export function breakpointMatchSummary(rule: Pick<BreakpointRule, 'match' | 'stage'>, routePort?: (routeId: string) => number | undefined): string {
  const empty = Object.keys(rule.match).length === 0;
  if (empty) return rule.stage === 'frame' ? 'every frame' : rule.stage === 'request' ? 'every webhook request' : 'every webhook response';
  return matcherSummary(rule.match, rule.stage === 'frame', routePort);
}

function stageSummary(rule: Pick<BreakpointRule, 'stage' | 'direction'>): string {
  if (rule.stage !== 'frame') return STAGE_WORDS[rule.stage];
  return rule.direction === 'client-to-upstream' ? 'frame to server' : rule.direction === 'upstream-to-client' ? 'frame to client' : 'frame, either way';
}

export function BreakpointsDialog() {
  const close = useDialogStore((s) => s.close);
  const { rules, loaded, loadError } = useBreakpointsStore(useShallow((s) => ({ rules: s.rules, loaded: s.loaded, loadError: s.loadError })));
  const held = useHeldItems();
  const routes = useTrafficStore((s) => s.traffic.routes);
  const routePort = (routeId: string) => routes.get(routeId)?.listen.port;
  const [notice, setNotice] = useState<string | null>(() => {
    const first = openingNotice;
    openingNotice = null;
    return first;
  });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void useBreakpointsStore.getState().refresh();
  }, []);

  const change = async (next: readonly BreakpointRule[], done: string): Promise<boolean> => {
    setError(null);
    try {
      await useBreakpointsStore.getState().setRules(next);
      setNotice(done);
      return true;
    } catch (e) {
      setError(`Not changed: ${(e as Error).message}`);
      return false;
    }
  };

  return (
    <ModalDialog label="Breakpoints" className="breakpoints-dialog" onClose={close}>
      <p className="dialog-hint">
        A breakpoint holds a matching webhook request before it reaches the upstream, its response before it reaches the bot, or a WebSocket frame.
        Held items show in the bar under the header, where you release them as they are, edited, answer them yourself or drop them. An item nobody
        acts on goes on as it is after the rule's timeout.
      </p>
      {held.length > 0 && (
        <p className="held-summary" role="note">
          <PauseIcon /> {held.length} item{held.length === 1 ? ' is' : 's are'} held now: see the bar under the header.
        </p>
      )}
      {(loadError || error) && (
        <p className="form-error" role="alert">
          {error ?? `Could not read the breakpoints: ${loadError}`}
        </p>
      )}
      {loaded ? (
        rules.length === 0 ? (
          <p className="dialog-hint">No breakpoints yet: add one below, or use “Pause calls of …” on a call's details.</p>
        ) : (
          <div className="sessions-scroll breakpoints-scroll">
            <table className="sessions-table breakpoints-table" aria-label="Breakpoint rules">
              <thead>
                <tr>
                  <th scope="col" className="bp-col-on">
                    On
                  </th>
                  <th scope="col" className="bp-col-name">
                    Name
                  </th>
                  <th scope="col">Matches</th>
                  <th scope="col" className="bp-col-stage">
                    Holds
                  </th>
                  <th scope="col" className="num bp-col-timeout">
                    Timeout
                  </th>
                  <th scope="col" className="bp-col-actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rules.map((rule, index) => {
                  const label = breakpointLabel(rule);
                  const matches = breakpointMatchSummary(rule, routePort);
                  return (
                    <tr key={rule.id} className={rule.enabled ? '' : 'bp-off'}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Enable ${label}`}
                          checked={rule.enabled}
                          onChange={(e) =>
                            void change(
                              rules.map((r, i) => (i === index ? { ...r, enabled: e.target.checked } : r)),
                              `${e.target.checked ? 'Enabled' : 'Disabled'} ${label}.`,
                            )
                          }
                        />
                      </td>
                      <td className="bp-name" title={`id ${rule.id}`}>
                        {label}
                      </td>
                      <td className="mono bp-matches" title={matches}>
                        {matches}
                      </td>
                      <td>{stageSummary(rule)}</td>
                      <td className="num">{formatTimeout(rule.timeoutMs)}</td>
                      <td className="bp-actions">
                        <button type="button" aria-label={`Delete ${label}`} onClick={() => void change(rules.filter((_, i) => i !== index), `Deleted ${label}. Items it holds now stay held until released or timed out.`)}>
                          Delete
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )
      ) : (
        !loadError && <p role="status">Reading the breakpoints…</p>
      )}
      <RuleForm
        routes={[...routes.values()].filter((r) => r.up).map((r) => ({ id: r.routeId, label: `${listenAddress(r.listen)} → ${r.upstream}` }))}
        existingIds={new Set(rules.map((r) => r.id))}
        onAdd={(rule) => change([...rules, rule], `Added ${breakpointLabel(rule)}: it holds matching items from now on.`)}
      />
      <p role="status" className="bp-notice">
        {notice ?? ''}
      </p>
    </ModalDialog>
  );
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A rule id not in use yet, from the function name (`bp-get_weather`, `bp-get_weather-2` …). */
export function uniqueBreakpointId(base: string, existing: ReadonlySet<string>): string {
  const slug = `bp-${(base || 'rule').replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40)}`;
  if (!existing.has(slug)) return slug;
  for (let n = 2; ; n++) if (!existing.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

interface RuleFormProps {
  routes: { id: string; label: string }[];
  existingIds: ReadonlySet<string>;
  onAdd(rule: BreakpointRule): Promise<boolean>;
}

function RuleForm({ routes, existingIds, onAdd }: RuleFormProps) {
  const [name, setName] = useState('');
  const [functionName, setFunctionName] = useState('');
  const [routeId, setRouteId] = useState('');
  const [path, setPath] = useState('');
  const [frameType, setFrameType] = useState('');
  const [stage, setStage] = useState<PauseStage>('request');
  const [direction, setDirection] = useState<'' | WsDirection>('');
  const [timeout, setTimeoutText] = useState(String(DEFAULT_PAUSE_TIMEOUT_MS / 1000));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const add = async () => {
    setError(null);
    const seconds = Number(timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
      setError('Timeout: a number of seconds, more than 0 and at most 600.');
      return;
    }
    const match: MockMatcher = {};
    if (functionName.trim()) match.functionName = functionName.trim();
    if (routeId) match.routeId = routeId;
    if (path.trim() && stage !== 'frame') match.path = path.trim();
    if (frameType.trim() && stage === 'frame') match.frameType = frameType.trim();
    const candidate = {
      id: uniqueBreakpointId(match.functionName ?? match.frameType ?? match.path ?? stage, existingIds),
      name: name.trim(),
      enabled: true,
      match,
      stage,
      ...(stage === 'frame' && direction ? { direction } : {}),
      timeoutMs: Math.round(seconds * 1000),
    };
    const parsed = breakpointRuleSchema.safeParse(candidate);
    if (!parsed.success) {
      setError(parsed.error.issues.slice(0, 3).map(describeIssue).join('; '));
      return;
    }
    setBusy(true);
    const added = await onAdd(parsed.data);
    setBusy(false);
    if (added) {
      setName('');
      setFunctionName('');
      setPath('');
      setFrameType('');
    }
  };

  return (
    <form
      className="bp-form"
      aria-label="Add breakpoint"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <h3>Add a breakpoint</h3>
      <div className="bp-form-grid">
        <label>
          <span>Function name</span>
          <input className="mono" value={functionName} placeholder="any" onChange={(e) => setFunctionName(e.target.value)} />
        </label>
        <label>
          <span>Holds</span>
          <select value={stage} onChange={(e) => setStage(e.target.value as PauseStage)}>
            <option value="request">Webhook request (before the upstream)</option>
            <option value="response">Webhook response (before the bot)</option>
            <option value="frame">WebSocket frame</option>
          </select>
        </label>
        <label>
          <span>Route</span>
          <select value={routeId} onChange={(e) => setRouteId(e.target.value)}>
            <option value="">any route</option>
            {routes.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        {stage === 'frame' ? (
          <>
            <label>
              <span>Frame type</span>
              <input className="mono" value={frameType} placeholder="any, e.g. response.function_call_arguments.done" onChange={(e) => setFrameType(e.target.value)} />
            </label>
            <label>
              <span>Direction</span>
              <select value={direction} onChange={(e) => setDirection(e.target.value as '' | WsDirection)}>
                <option value="">either way</option>
                <option value="upstream-to-client">to the client (from the server)</option>
                <option value="client-to-upstream">to the server (from the client)</option>
              </select>
            </label>
          </>
        ) : (
          <label>
            <span>Path</span>
            <input className="mono" value={path} placeholder="any, e.g. /tools/*" onChange={(e) => setPath(e.target.value)} />
          </label>
        )}
        <label>
          <span>Timeout (s)</span>
          <input className="num bp-timeout" inputMode="decimal" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} />
        </label>
        <label>
          <span>Name</span>
          <input value={name} placeholder="optional" onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={busy}>
          Add breakpoint
        </button>
        <span className="dialog-hint">Fields left empty match anything; a breakpoint with none holds everything of its kind (each item still goes on after the timeout).</span>
      </div>
    </form>
  );
}
