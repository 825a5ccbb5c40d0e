/**
 * What the inject dialog acts on: a realtime call whose result to send ("Send result…"), or a connection to
 * send a frame on ("Send frame…", or "Edit and send…" of a captured frame). Opening a target shows the dialog.
 */
import { create } from 'zustand';
import type { WsDirection } from '../../../shared/events.js';
import type { FrameFormat } from '../../../shared/inject/inject-compose.js';
import { useDialogStore } from './dialog-store.js';

export type InjectTarget =
  | { kind: 'result'; callKey: string; connectionId: string }
  | {
      kind: 'frame';
      connectionId: string;
      direction: WsDirection;
      format: FrameFormat;
      text: string;
      /** The captured frame this one sends again (edited or not). */
      resentOf?: number;
    };

export interface InjectStore {
  target: InjectTarget | null;
  /** Changes with every opening, so the dialog's editor starts over. */
  serial: number;
  openResult(callKey: string, connectionId: string): void;
  openFrame(init: Omit<Extract<InjectTarget, { kind: 'frame' }>, 'kind'>): void;
}

export const useInjectStore = create<InjectStore>((set, get) => ({
  target: null,
  serial: 0,
  openResult: (callKey, connectionId) => {
    set({ target: { kind: 'result', callKey, connectionId }, serial: get().serial + 1 });
    useDialogStore.getState().show('inject');
  },
  openFrame: (init) => {
    set({ target: { kind: 'frame', ...init }, serial: get().serial + 1 });
    useDialogStore.getState().show('inject');
  },
}));
