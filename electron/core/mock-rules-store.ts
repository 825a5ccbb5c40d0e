/**
 * The mock rules the proxy runs, and how often each answered. The bridge and the config loader set the rules;
 * every route reads them on each request, so the enabled rules of each kind are kept ready: a route with no
 * rule of its kind pays one array length check and stays a transparent proxy.
 */
import { isRealtimeHandler, type MockRule } from '../../shared/mocks/mock-rule.js';

export type MockRulesChange = 'rules' | 'hits';

export class MockRulesStore {
  private all: readonly MockRule[] = [];
  private webhook: readonly MockRule[] = [];
  private realtime: readonly MockRule[] = [];
  private realtimeDrop = false;
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Set<(change: MockRulesChange) => void>();

  /** Every rule, in order (disabled ones too). */
  rules(): readonly MockRule[] {
    return this.all;
  }

  /** Enabled rules that answer HTTP requests, in order. */
  webhookRules(): readonly MockRule[] {
    return this.webhook;
  }

  /** Enabled rules that answer realtime calls, in order. */
  realtimeRules(): readonly MockRule[] {
    return this.realtime;
  }

  /** Whether an enabled realtime rule drops calls: only then must the relay look at a frame before sending it on. */
  hasRealtimeDropRule(): boolean {
    return this.realtimeDrop;
  }

  /**
   * Replaces the rules (already validated by the schema). A rule that changed, or is new, starts counting its
   * hits again: the count is about the rule as it is now. Counts of removed rules are dropped.
   */
  setRules(rules: readonly MockRule[]): void {
    const before = new Map(this.all.map((rule) => [rule.id, fingerprint(rule)]));
    const next = rules.slice();
    for (const rule of next) {
      const now = fingerprint(rule);
      if (now === null || before.get(rule.id) !== now) this.counts.delete(rule.id);
    }
    const ids = new Set(next.map((rule) => rule.id));
    for (const id of [...this.counts.keys()]) if (!ids.has(id)) this.counts.delete(id);
    this.all = next;
    this.webhook = next.filter((rule) => rule.enabled && !isRealtimeHandler(rule.handler));
    this.realtime = next.filter((rule) => rule.enabled && isRealtimeHandler(rule.handler));
    this.realtimeDrop = this.realtime.some((rule) => rule.handler.kind === 'realtime-drop');
    this.emit('rules');
  }

  /** Hits per rule id; every current rule is listed, with 0 when it has not answered yet. */
  hits(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const rule of this.all) out[rule.id] = this.counts.get(rule.id) ?? 0;
    return out;
  }

  /** Called by the proxy when a rule answered. */
  recordHit(ruleId: string): void {
    this.counts.set(ruleId, (this.counts.get(ruleId) ?? 0) + 1);
    this.emit('hits');
  }

  /** Returns the function that removes the listener. */
  onChange(listener: (change: MockRulesChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: MockRulesChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own; the proxy that recorded the hit must go on.
      }
    }
  }
}

/** The rule as JSON, to tell a changed rule from the same one set again; null when it cannot be written. */
function fingerprint(rule: MockRule): string | null {
  try {
    return JSON.stringify(rule);
  } catch {
    return null;
  }
}
