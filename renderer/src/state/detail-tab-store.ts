/**
 * The tab the user last chose in the details pane. Selecting something else keeps it when that subject has
 * the tab (look at the Request of one exchange, then of the next), else the subject's own default applies.
 * `chosenFor` is the selection (by key) the choice was made on: a choice always wins for its own selection,
 * even over a selection that asks for a tab of its own (an SSE event row opens "SSE events").
 *
 * `opened` is a tab asked for by a jump ("Show event" opens the Request tab of the exchange whose request
 * body a finding points at) for one selection: it is not the user's choice, so it is not remembered.
 */
import { create } from 'zustand';
import type { DetailTabId } from './detail-subject.js';

export interface DetailTabStore {
  lastTab: DetailTabId | null;
  chosenFor: string | null;
  opened: { tab: DetailTabId; forKey: string } | null;
  /** The user chose `tab` while `forKey` (a selection key) was shown. */
  choose(tab: DetailTabId, forKey: string | null): void;
  /** Show `tab` when the selection `forKey` is shown next, without remembering it as the user's choice. */
  open(tab: DetailTabId, forKey: string): void;
}

export const useDetailTabStore = create<DetailTabStore>((set) => ({
  lastTab: null,
  chosenFor: null,
  opened: null,
  choose: (tab, forKey) => set({ lastTab: tab, chosenFor: forKey, opened: null }),
  // A jump overrides an earlier choice made on the same selection.
  open: (tab, forKey) => set((s) => ({ opened: { tab, forKey }, chosenFor: s.chosenFor === forKey ? null : s.chosenFor })),
}));
