/** Which of the window's dialogs is open: one at a time, opened by buttons, keys or the desktop menu. */
import { create } from 'zustand';

export type DialogName = 'sessions' | 'export' | 'preferences' | 'mocks';

export interface DialogStore {
  open: DialogName | null;
  show(name: DialogName): void;
  close(): void;
}

export const useDialogStore = create<DialogStore>((set) => ({
  open: null,
  show: (name) => set({ open: name }),
  close: () => set({ open: null }),
}));
