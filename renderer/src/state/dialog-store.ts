/** Which of the window's dialogs is open: one at a time, opened by buttons, keys or the desktop menu. */
import { create } from 'zustand';

/**
 * `replay`, `resend` and `inject` act on the call, exchange or connection their own stores name (replay-store,
 * inject-store); `breakpoints` lists the rules and what they hold.
 */
export type DialogName = 'sessions' | 'export' | 'preferences' | 'mocks' | 'replay' | 'resend' | 'inject' | 'breakpoints';

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
