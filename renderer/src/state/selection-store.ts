/**
 * What the user selected, in either list, and whether the details pane is open.
 *
 * The list cursor (`selectedKey`) and the open pane are kept apart, as in a file manager: Esc closes the pane
 * but keeps the cursor, arrows move the cursor, Enter opens the pane again. Kept by key rather than by
 * object, so a selection survives a reconnect, whose snapshot rebuilds every row object.
 */
import { create } from 'zustand';
import type { TrafficRow } from '../../../shared/store/traffic-state.js';
import { runKey } from '../../../shared/timeline/traffic-filter.js';
import { rowKey } from './row-key.js';

export type Selection =
  /** A function call of the timeline, by its analysis key. */
  | { kind: 'call'; callKey: string }
  /** A row of the traffic view. */
  | { kind: 'row'; row: TrafficRow }
  /** A folded run of audio frames: frames `first`..`last` (indexes into the connection's frames). */
  | { kind: 'audio'; connectionId: string; first: number; last: number };

export interface SelectionStore {
  selection: Selection | null;
  /** The list cursor: the key of the selected list item (see selectionKey). */
  selectedKey: string | null;
  paneOpen: boolean;
  /** Selects and, unless `open` is false, opens the details pane. Null clears both. */
  select(selection: Selection | null, open?: boolean): void;
  setPaneOpen(open: boolean): void;
}

export function selectionKey(selection: Selection): string {
  switch (selection.kind) {
    case 'call':
      return callRowKey(selection.callKey);
    case 'row':
      return rowKey(selection.row);
    case 'audio':
      return audioRunKey(selection.connectionId, selection.first);
  }
}

export function callRowKey(callKey: string): string {
  return `call-${callKey}`;
}

/** A run is named by its first frame: it grows at its end while audio streams in, its start never moves. */
export function audioRunKey(connectionId: string, first: number): string {
  return runKey({ connectionId, first });
}

export const useSelectionStore = create<SelectionStore>((set) => ({
  selection: null,
  selectedKey: null,
  paneOpen: false,
  select: (selection, open = true) =>
    set((s) =>
      selection
        ? { selection, selectedKey: selectionKey(selection), paneOpen: open || s.paneOpen }
        : { selection: null, selectedKey: null, paneOpen: false },
    ),
  setPaneOpen: (open) => set({ paneOpen: open }),
}));

/** True for exactly one row; a row component subscribes to this, so a selection change re-renders two rows. */
export function useIsSelected(key: string): boolean {
  return useSelectionStore((s) => s.selectedKey === key);
}

/** Enter in a list: opens the details of what is selected, if anything is. */
export function openPane(): void {
  const { selection, setPaneOpen } = useSelectionStore.getState();
  if (selection) setPaneOpen(true);
}

export function closePane(): void {
  useSelectionStore.getState().setPaneOpen(false);
}

/** Shorthand for the many places that select a traffic row (a "show exchange" link, a list click). */
export function selectRow(row: TrafficRow | null): void {
  useSelectionStore.getState().select(row ? { kind: 'row', row } : null);
}
