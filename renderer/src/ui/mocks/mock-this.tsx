/**
 * The Call tab's part in mocking: "Mock this" turns the selected call's captured answer into a rule at the end
 * of the list (enabled, so the next such call is answered by it) and opens the rule in the Mocks dialog; a
 * call a rule answered says which rule, with a way to open it.
 */
import { useState } from 'react';
import type { FunctionCall } from '../../../../shared/analysis/model.js';
import { ruleFromCall } from '../../../../shared/mocks/mock-from-call.js';
import { getBridge } from '../../bridge/get-bridge.js';
import { useDialogStore } from '../../state/dialog-store.js';
import { useMocksStore } from '../../state/mocks-store.js';
import { currentTraffic } from '../../state/use-traffic.js';
import './mocks.css';

export function MockThisButton({ call }: { call: FunctionCall }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A mocked call's answer is its rule's: copying it would only make a second rule that says the same.
  if (call.mockedBy) return null;
  const mockThis = async () => {
    setBusy(true);
    setError(null);
    try {
      await mockCall(call);
    } catch (e) {
      setError(`Could not mock this call: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="dp-small-button mock-this"
        disabled={busy}
        title="Add a mock rule that answers this function the way it was answered here"
        onClick={() => void mockThis()}
      >
        Mock this
      </button>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

export function MockedByNote({ call }: { call: FunctionCall }) {
  if (!call.mockedBy) return null;
  const { ruleId, ruleName } = call.mockedBy;
  return (
    <p className="dp-note" role="note">
      Answered by mock rule <strong>{ruleName || ruleId}</strong>, not by the backend.{' '}
      <button type="button" className="link-button" onClick={() => void openRule(ruleId)}>
        Show rule
      </button>
    </p>
  );
}

async function mockCall(call: FunctionCall): Promise<void> {
  // The ids in use are the core's, not this page's copy, which is only fresh while the dialog is open.
  const current = await getBridge().call('getMocks', {});
  const made = ruleFromCall(call, currentTraffic(), current.rules.map((r) => r.id));
  if ('error' in made) throw new Error(made.error);
  const rule = { ...made, enabled: true };
  const store = useMocksStore.getState();
  await store.setRules([...current.rules, rule]);
  store.editRule(
    useMocksStore.getState().rules.find((r) => r.id === rule.id) ?? rule,
    `Added at the end of the list and enabled: the next ${call.name || 'such'} call it matches gets this answer instead of the backend's. Change it here, or turn it off in the list.`,
  );
  useDialogStore.getState().show('mocks');
}

async function openRule(ruleId: string): Promise<void> {
  const store = useMocksStore.getState();
  await store.refresh();
  const rule = useMocksStore.getState().rules.find((r) => r.id === ruleId);
  if (rule) store.editRule(rule);
  useDialogStore.getState().show('mocks');
}
