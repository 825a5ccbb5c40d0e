/**
 * Serves the bridge over one WebSocket per browser tab: calls in, results and event batches out. The first
 * batch is the snapshot (`reset: true`), sent in slices so a long session does not become one giant frame.
 */
import { WebSocket } from 'ws';
import { bridgeRequestSchema, resnapshotRequestSchema, type BridgeServerMessage } from '../../shared/bridge.js';
import type { LogEvent } from '../../shared/events.js';
import { batchMessageJson } from '../../shared/bridge-batch-json.js';
import { handleBridgeCall } from '../core/bridge-handler.js';
import type { ToolscopeCore } from '../core/toolscope-core.js';

const SNAPSHOT_SLICE = 5000;

export function hostBridgeSocket(core: ToolscopeCore, socket: WebSocket): void {
  const sendText = (text: string) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(text);
  };
  const send = (message: BridgeServerMessage) => sendText(JSON.stringify(message));
  const subscribe = () => core.log.subscribe(
    (snapshot, { dropped }) => {
      send({ type: 'batch', reset: true, events: snapshot.slice(0, SNAPSHOT_SLICE) as LogEvent[], ...(dropped > 0 ? { dropped } : {}) });
      for (let i = SNAPSHOT_SLICE; i < snapshot.length; i += SNAPSHOT_SLICE) {
        send({ type: 'batch', reset: false, events: snapshot.slice(i, i + SNAPSHOT_SLICE) as LogEvent[] });
      }
    },
    (_batch, jsons) => sendText(batchMessageJson(false, jsons)),
  );
  let unsubscribe = subscribe();
  socket.on('close', () => unsubscribe());
  socket.on('error', () => unsubscribe());
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (resnapshotRequestSchema.safeParse(json).success) {
      // A new subscription starts with a snapshot of what the log keeps now; batches stay in order.
      unsubscribe();
      unsubscribe = subscribe();
      return;
    }
    const request = bridgeRequestSchema.safeParse(json);
    if (!request.success) return;
    const { id, method, params } = request.data;
    handleBridgeCall(core, method, params).then(
      (value) => send({ type: 'result', id, ok: true, value }),
      (error: unknown) => send({ type: 'result', id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
