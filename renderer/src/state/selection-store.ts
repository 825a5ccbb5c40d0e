/**
 * The selected row. Kept by key (see row-key.ts) rather than by object, so a selection survives a
 * reconnect, whose snapshot rebuilds every row object.
 */
import { create } from 'zustand';
import type { TrafficRow } from '../../../shared/store/traffic-state.js';
import { rowKey } from './row-key.js';

export interface SelectionStore {
  selectedKey: string | null;
  selectedRow: TrafficRow | null;
  select(row: TrafficRow | null): void;
}

export const useSelectionStore = create<SelectionStore>((set) => ({
  selectedKey: null,
  selectedRow: null,
  select: (row) => set({ selectedRow: row, selectedKey: row ? rowKey(row) : null }),
}));

/** True for exactly one row; a row component subscribes to this, so a selection change re-renders two rows. */
export function useIsSelected(key: string): boolean {
  return useSelectionStore((s) => s.selectedKey === key);
}
