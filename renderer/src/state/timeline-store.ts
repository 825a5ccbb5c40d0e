/**
 * How the user looks at the traffic: which view (calls or raw traffic), the filter, grouping, hidden audio,
 * which audio runs are unfolded, and the live controls (pause, clear). The URL hash mirrors the first four
 * (see shared/timeline/view-url-state.ts), so they survive a reload.
 */
import { create } from 'zustand';
import { EMPTY_FILTER, type TimelineFilter } from '../../../shared/timeline/timeline-filter.js';
import { useViewStore } from './view-store.js';
import { formatViewHash, parseViewHash, type ViewMode, type ViewUrlState } from '../../../shared/timeline/view-url-state.js';

export interface TimelineStore extends ViewUrlState {
  /** Keys of audio runs the user unfolded (see audioRunKey). */
  expandedRuns: ReadonlySet<string>;
  /** Groups of the calls timeline the user folded (see groupKeyOf). */
  foldedGroups: ReadonlySet<string>;
  /** While paused, new events are held back, not dropped: the core still records them to the session file. */
  paused: boolean;
  /** Events held back while paused, for the header's count. */
  held: number;
  /** Events up to this sequence number are hidden ("Clear"); the session file keeps them. */
  clearedAfterSeq: number;
  setView(view: ViewMode): void;
  setFilter(patch: Partial<TimelineFilter>): void;
  resetFilter(): void;
  setGrouped(grouped: boolean): void;
  setHideAudio(hide: boolean): void;
  toggleRun(runKey: string): void;
  toggleGroup(groupKey: string): void;
  setPaused(paused: boolean): void;
  clear(lastSeq: number): void;
}

const initial: ViewUrlState = typeof location === 'undefined' ? parseViewHash('') : parseViewHash(location.hash);

export const useTimelineStore = create<TimelineStore>((set) => ({
  ...initial,
  expandedRuns: new Set(),
  foldedGroups: new Set(),
  paused: false,
  held: 0,
  clearedAfterSeq: 0,
  setView: (view) => set({ view }),
  setFilter: (patch) => set((s) => ({ filter: { ...s.filter, ...patch } })),
  resetFilter: () => set({ filter: EMPTY_FILTER }),
  setGrouped: (grouped) => set({ grouped }),
  setHideAudio: (hideAudio) => set({ hideAudio }),
  toggleRun: (runKey) =>
    set((s) => {
      const next = new Set(s.expandedRuns);
      if (!next.delete(runKey)) next.add(runKey);
      return { expandedRuns: next };
    }),
  toggleGroup: (groupKey) =>
    set((s) => {
      const next = new Set(s.foldedGroups);
      if (!next.delete(groupKey)) next.add(groupKey);
      return { foldedGroups: next };
    }),
  setPaused: (paused) => set({ paused }),
  clear: (lastSeq) => set({ clearedAfterSeq: lastSeq, expandedRuns: new Set() }),
}));

/**
 * Keeps the URL hash and the store in step both ways: store changes replace the hash (no history entry per
 * keystroke), and a hash the user edits or navigates to is read back into the store.
 */
export function syncViewWithUrl(): () => void {
  let written = location.hash;
  const unsubscribe = useTimelineStore.subscribe((s) => {
    const hash = formatViewHash(s);
    if (hash === written) return;
    written = hash;
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  });
  const onHashChange = () => {
    if (location.hash === written) return;
    written = location.hash;
    useTimelineStore.setState(parseViewHash(location.hash));
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', onHashChange);
  };
}

/** "Clear" hides live events by their sequence numbers; a loaded session file has its own numbering and is never cleared. */
export function useClearedAfterSeq(): number {
  const cleared = useTimelineStore((s) => s.clearedAfterSeq);
  const inSession = useViewStore((s) => s.session !== null);
  return inSession ? 0 : cleared;
}
