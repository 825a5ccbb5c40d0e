/**
 * The breakpoint rules the proxy runs. The bridge sets them; every route reads them on each request and frame,
 * so a change applies at once (items already held stay held). The enabled rules of each kind are kept ready:
 * with none, the forwarder and the relay take exactly their usual path (no body read first, no frame parsed).
 */
import type { BreakpointRule } from '../../shared/breakpoints/breakpoint-rule.js';
import { frameNeeds, type FrameNeeds } from '../../shared/breakpoints/breakpoint-matcher.js';

export class BreakpointRulesStore {
  private all: readonly BreakpointRule[] = [];
  private webhook: readonly BreakpointRule[] = [];
  private frame: readonly BreakpointRule[] = [];
  private needs: FrameNeeds = { frameType: false, call: false };
  private readonly listeners = new Set<() => void>();

  /** Every rule, in order (disabled ones too). */
  rules(): readonly BreakpointRule[] {
    return this.all;
  }

  /** Enabled rules of the request and response stages, in order. */
  webhookRules(): readonly BreakpointRule[] {
    return this.webhook;
  }

  /** Enabled frame rules, in order. */
  frameRules(): readonly BreakpointRule[] {
    return this.frame;
  }

  /** What the enabled frame rules need read from a frame (its JSON type, its call). */
  frameNeeds(): FrameNeeds {
    return this.needs;
  }

  /** Replaces the rules (already validated by the schema). */
  setRules(rules: readonly BreakpointRule[]): void {
    const next = rules.slice();
    this.all = next;
    this.webhook = next.filter((rule) => rule.enabled && rule.stage !== 'frame' && rule.match.frameType === undefined);
    this.frame = next.filter((rule) => rule.enabled && rule.stage === 'frame');
    this.needs = frameNeeds(this.frame);
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /** Returns the function that removes the listener. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
