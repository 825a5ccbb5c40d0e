/** How the UI is connected to the core, for the header's status indicator. */
import { create } from 'zustand';

export type BridgeTransport = 'ipc' | 'websocket';
export type BridgeStatus = 'connecting' | 'open' | 'closed';

export interface ConnectionState {
  transport: BridgeTransport;
  status: BridgeStatus;
  /** Why the last connection failed or closed; kept after a reconnect until the next failure replaces it. */
  lastError: string | null;
  /** When the next reconnect attempt is due (epoch ms), while closed. */
  retryAt: number | null;
  /** Events the UI refused because they did not match the event schema (a version mismatch or a bug). */
  rejectedEvents: number;
}

export const useConnectionStore = create<ConnectionState>(() => ({
  transport: 'websocket',
  status: 'connecting',
  lastError: null,
  retryAt: null,
  rejectedEvents: 0,
}));

export interface ConnectionStatusSink {
  update(patch: Partial<Omit<ConnectionState, 'rejectedEvents'>>): void;
  rejected(count: number): void;
}

export const connectionStatusSink: ConnectionStatusSink = {
  update: (patch) => useConnectionStore.setState(patch),
  rejected: (count) => useConnectionStore.setState((s) => ({ rejectedEvents: s.rejectedEvents + count })),
};
