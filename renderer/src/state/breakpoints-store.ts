/**
 * The breakpoint rules as the core runs them, what it holds, and the held item open in the editor.
 *
 * The core owns the rules and the holds. What is held shows at once from the live traffic (`pause.start`
 * events); the core's own list (`getBreakpoints`) is read when the page starts and about every second while a
 * rule is on or something is held, which covers holds from before the page loaded and a view that is paused.
 */
import { create } from 'zustand';
import type { BreakpointsState, PausedItem, ReleasePauseParams } from '../../../shared/bridge.js';
import { breakpointRulesSchema, type BreakpointRule } from '../../../shared/breakpoints/breakpoint-rule.js';
import { getBridge } from '../bridge/get-bridge.js';
import { showThenConfirm } from './show-then-confirm.js';

export interface BreakpointsStore {
  rules: BreakpointRule[];
  /** The core's list of held items, as last read. */
  paused: PausedItem[];
  loaded: boolean;
  loadError: string | null;
  /** The held item open in the editor (its pause id), or null. */
  openPauseId: string | null;
  refresh(): Promise<void>;
  /** Sends the whole list; rejects with the core's message when refused. */
  setRules(rules: readonly unknown[]): Promise<void>;
  /** Rejects with the core's sentence (no longer held, invalid edit …). */
  release(params: ReleasePauseParams): Promise<void>;
  openPause(pauseId: string | null): void;
}

export const useBreakpointsStore = create<BreakpointsStore>((set, get) => {
  const accept = (state: BreakpointsState) => set({ rules: state.rules, paused: state.paused, loaded: true, loadError: null });
  return {
    rules: [],
    paused: [],
    loaded: false,
    loadError: null,
    openPauseId: null,
    refresh: () =>
      getBridge()
        .call('getBreakpoints', {})
        .then(accept, (e: Error) => set({ loadError: e.message })),
    setRules: (rules) => {
      const shown = breakpointRulesSchema.safeParse(rules);
      return showThenConfirm(
        get().rules,
        shown.success ? shown.data : null,
        (value) => set({ rules: value }),
        async () => accept(await getBridge().call('setBreakpoints', { rules: [...rules] })),
      );
    },
    release: async (params) => {
      await getBridge().call('releasePause', params);
      set((s) => ({ paused: s.paused.filter((p) => p.pauseId !== params.pauseId) }));
    },
    openPause: (pauseId) => set({ openPauseId: pauseId }),
  };
});

/** A rule's name, or what it matches when it has none. */
export function breakpointLabel(rule: Pick<BreakpointRule, 'id' | 'name'>): string {
  return rule.name.trim() || rule.id;
}

/**
 * Reads the core's state once, then every `intervalMs` while a rule is on or something is held (a page with no
 * breakpoints asks once). Returns the stop function for an effect.
 */
export function watchBreakpoints(intervalMs = 1000): () => void {
  const store = useBreakpointsStore;
  void store.getState().refresh();
  const timer = setInterval(() => {
    const { rules, paused, loaded } = store.getState();
    if (!loaded || paused.length > 0 || rules.some((r) => r.enabled)) void store.getState().refresh();
  }, intervalMs);
  return () => clearInterval(timer);
}
