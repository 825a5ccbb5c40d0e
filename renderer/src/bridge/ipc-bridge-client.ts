/**
 * The bridge in the desktop app: the preload's `window.toolscope` over Electron IPC. What comes back crosses a
 * process boundary, so it is parsed with the same schemas as the WebSocket transport.
 */
import { z } from 'zod';
import {
  bridgeMethods,
  parseBatchEvents,
  type BridgeMethod,
  type BridgeParams,
  type BridgeResult,
  type EventBatch,
  type ToolscopeBridge,
} from '../../../shared/bridge.js';
import type { ToolscopePreloadApi } from '../global.js';
import { BatchFanout } from './batch-fanout.js';
import type { ConnectionStatusSink } from './connection-store.js';

const rawBatchSchema = z.object({ reset: z.boolean(), events: z.array(z.unknown()), dropped: z.number().int().nonnegative().optional() });

export class IpcBridgeClient implements ToolscopeBridge {
  private readonly fanout = new BatchFanout();
  private unsubscribeUpstream: (() => void) | null = null;

  constructor(
    private readonly api: ToolscopePreloadApi,
    private readonly status: ConnectionStatusSink,
  ) {
    status.update({ transport: 'ipc', status: 'open', lastError: null, retryAt: null });
  }

  async call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
    let raw: unknown;
    try {
      raw = await this.api.call(method, params);
    } catch (error) {
      throw new Error(ipcErrorMessage(error));
    }
    const result = bridgeMethods[method].result.safeParse(raw);
    if (!result.success) throw new Error(`unexpected answer to ${method}: ${result.error.issues[0]?.message ?? 'invalid'}`);
    return result.data as BridgeResult<M>;
  }

  subscribe(onBatch: (batch: EventBatch) => void): () => void {
    // The main process keeps one subscription per window, so every view shares this one.
    this.unsubscribeUpstream ??= this.api.subscribe((raw) => this.onBatch(raw));
    const unsubscribe = this.fanout.subscribe(onBatch);
    return () => {
      unsubscribe();
      if (this.fanout.subscriberCount === 0 && this.unsubscribeUpstream) {
        this.unsubscribeUpstream();
        this.unsubscribeUpstream = null;
      }
    };
  }

  resnapshot(): void {
    // The main process answers a new subscription of this window with a fresh snapshot.
    if (!this.unsubscribeUpstream) return;
    this.unsubscribeUpstream();
    this.unsubscribeUpstream = this.api.subscribe((raw) => this.onBatch(raw));
  }

  private onBatch(raw: unknown): void {
    const batch = rawBatchSchema.safeParse(raw);
    if (!batch.success) {
      this.status.rejected(1);
      return;
    }
    const { events, rejected } = parseBatchEvents(batch.data.events);
    if (rejected > 0) this.status.rejected(rejected);
    this.fanout.publish({ reset: batch.data.reset, events, ...(batch.data.dropped ? { dropped: batch.data.dropped } : {}) });
  }
}

/** Electron wraps a rejected invoke as "Error invoking remote method 'toolscope:call': Error: <message>". */
function ipcErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}
