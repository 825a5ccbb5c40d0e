/**
 * The mock rules as the core runs them, their hit counts, and the rule open in the editor of the Mocks dialog.
 *
 * The core owns the rules (the config file can change them behind our back, and hits move with traffic), so
 * this store is only a copy: read with `getMocks` when the dialog opens, about every second while it is open,
 * and from the answer of every change. A change always sends the whole list, in order, as `setMocks` wants it.
 */
import { create } from 'zustand';
import type { MocksState } from '../../../shared/bridge.js';
import { mockRulesSchema, type MockRule } from '../../../shared/mocks/mock-rule.js';
import { getBridge } from '../bridge/get-bridge.js';
import { showThenConfirm } from './show-then-confirm.js';

/** What the editor shows: a rule of the list (replaced in place on Apply), or a new one (appended on Apply). */
export interface RuleEditorTarget {
  /** The id of the rule being edited, or null for a new rule. */
  ruleId: string | null;
  /** The heading above the editor, e.g. "New rule: JSON reply". */
  title: string;
  /** The JSON the editor starts with. */
  text: string;
  /** A sentence under the heading, e.g. that a rule made by "Mock this" is already in use. */
  note?: string;
  /** Changes whenever a target is opened, so opening the same rule again starts a fresh editor. */
  serial: number;
}

export interface MocksStore extends MocksState {
  /** False until the first answer of the core. */
  loaded: boolean;
  /** Why the last read failed (e.g. the connection is down), or null. */
  loadError: string | null;
  editor: RuleEditorTarget | null;
  /** The editor's text as last typed, so closing the dialog by mistake (Esc) does not lose it. */
  draft: string | null;
  refresh(): Promise<void>;
  /** Sends the whole list; rejects with the core's message (e.g. `rules.3.handler.status: …`) when refused. */
  setRules(rules: readonly unknown[]): Promise<void>;
  /** Writes the rules into the config file; resolves with its path. */
  save(): Promise<string>;
  editRule(rule: MockRule, note?: string): void;
  editNew(title: string, text: string): void;
  closeEditor(): void;
}

let serial = 0;

export const useMocksStore = create<MocksStore>((set, get) => {
  const accept = (state: MocksState) =>
    set({ rules: state.rules, hits: state.hits, configFile: state.configFile, configError: state.configError, loaded: true, loadError: null });
  return {
    rules: [],
    hits: {},
    configFile: null,
    configError: null,
    loaded: false,
    loadError: null,
    editor: null,
    draft: null,
    refresh: () =>
      getBridge()
        .call('getMocks', {})
        .then(accept, (e: Error) => set({ loadError: e.message })),
    setRules: (rules) => {
      const shown = mockRulesSchema.safeParse(rules);
      return showThenConfirm(
        get().rules,
        shown.success ? shown.data : null,
        (value) => set({ rules: value }),
        async () => accept(await getBridge().call('setMocks', { rules: [...rules] })),
      );
    },
    save: async () => (await getBridge().call('saveMocks', {})).path,
    editRule: (rule, note) =>
      set({ editor: { ruleId: rule.id, title: `Edit rule ${ruleLabel(rule)}`, text: ruleText(rule), serial: ++serial, ...(note ? { note } : {}) }, draft: null }),
    editNew: (title, text) => set({ editor: { ruleId: null, title, text, serial: ++serial }, draft: null }),
    closeEditor: () => set({ editor: null, draft: null }),
  };
});

/** A rule's name, or its id when it has none: what buttons and headings call it. */
export function ruleLabel(rule: Pick<MockRule, 'id' | 'name'>): string {
  return rule.name.trim() || rule.id;
}

export function ruleText(rule: unknown): string {
  return JSON.stringify(rule, null, 2);
}

/** Keeps the copy fresh while something that shows it is mounted; returns the stop function for an effect. */
export function pollMocks(intervalMs = 1000): () => void {
  const { refresh } = useMocksStore.getState();
  void refresh();
  const timer = setInterval(() => void refresh(), intervalMs);
  return () => clearInterval(timer);
}
