/**
 * Frame breakpoints on one route's WebSocket relay. A frame a rule matches is held (not sent, not yet recorded
 * as `ws.frame`: its `pause.start` carries it); frames behind it going the same way on the same connection wait
 * in a queue and go on after it, in order, each one checked against the rules in turn (a rule that matches
 * everything holds each frame until its timeout: slow, never stuck). The other direction and other connections
 * are never delayed: each direction of each connection is its own lane.
 *
 * The queue is bounded: when more than MAX_QUEUED_FRAMES frames or MAX_QUEUED_BYTES bytes wait behind a held
 * frame, the held frame goes on as it is (recorded as a timeout release saying why), and the frames waiting
 * then go on without being held, so memory stays bounded whatever the upstream sends.
 */
import type { ReleasePauseParams } from '../../../shared/bridge.js';
import type { EventOf, HeaderList, WsDirection } from '../../../shared/events.js';
import type { RealtimeDialect } from '../../../shared/analysis/model.js';
import { realtimeDialects } from '../../../shared/analysis/realtime/realtime-dialects.js';
import { FrameCallMemory, matchFrameBreakpoint, readFrameFacts, type BreakpointMatch, type FrameFacts } from '../../../shared/breakpoints/breakpoint-matcher.js';
import { parseJsonText } from '../../../shared/json/json-syntax.js';
import { captureFrame } from '../websockets/frame-capture.js';
import { outgoingBytes } from '../outgoing-bytes.js';
import type { RouteContext } from '../route-context.js';
import type { HeldHandle, PreparedRelease } from './pause-board.js';

export const MAX_QUEUED_FRAMES = 10_000;
export const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

/** Where a lane's frames go: the relay's usual path, or recorded as not sent. */
export interface FrameSink {
  /** Records and sends a frame exactly as the relay does without breakpoints. */
  send(buffer: Buffer, isBinary: boolean): void;
  /** Records a frame that reached the proxy but is not sent on (`dropped: true`). */
  drop(buffer: Buffer, isBinary: boolean): void;
}

interface Frame {
  buffer: Buffer;
  isBinary: boolean;
}

interface Lane {
  connectionId: string;
  direction: WsDirection;
  sink: FrameSink;
  /** The held frame and its pause. */
  held: { frame: Frame; handle: HeldHandle } | null;
  queue: Frame[];
  queuedBytes: number;
  /** Set after an overflow: the frames waiting go on without being held, until the lane is empty. */
  flushing: boolean;
}

interface ConnectionInfo {
  url: string;
  headers: HeaderList;
  memory: FrameCallMemory;
}

export class FrameGate {
  /** Lanes with a held frame (and maybe frames waiting behind it); a lane is removed as soon as it is empty. */
  private readonly lanes = new Map<string, Lane>();
  private readonly connections = new Map<string, ConnectionInfo>();
  private dialects: RealtimeDialect[] | null = null;

  constructor(private readonly route: RouteContext) {}

  open(connectionId: string, url: string, headers: HeaderList): void {
    this.connections.set(connectionId, { url, headers, memory: new FrameCallMemory() });
  }

  /** True when nothing is held on any connection of this relay: then frames need not be offered here. */
  idle(): boolean {
    return this.lanes.size === 0;
  }

  /** A frame on its way: sent at once, held, or queued behind the frame held in its lane. */
  offer(connectionId: string, direction: WsDirection, buffer: Buffer, isBinary: boolean, sink: FrameSink): void {
    const frame: Frame = { buffer, isBinary };
    const lane = this.lanes.get(laneKey(connectionId, direction));
    if (lane) {
      lane.queue.push(frame);
      lane.queuedBytes += buffer.length;
      if (!lane.flushing && (lane.queue.length > MAX_QUEUED_FRAMES || lane.queuedBytes > MAX_QUEUED_BYTES)) {
        lane.flushing = true;
        lane.held?.handle.expire(`${lane.queue.length} frames (${lane.queuedBytes} bytes) were waiting behind it; they go on without being held`);
      }
      return;
    }
    const fresh: Lane = { connectionId, direction, sink, held: null, queue: [], queuedBytes: 0, flushing: false };
    if (this.tryHold(fresh, frame)) this.lanes.set(laneKey(connectionId, direction), fresh);
    else sink.send(buffer, isBinary);
  }

  /**
   * The connection closed (or its route did): each held frame ends by `closed`, and it and the frames behind it
   * are recorded as not sent. Call before recording the close, so the log reads in order.
   */
  close(connectionId: string, message: string): void {
    for (const direction of ['client-to-upstream', 'upstream-to-client'] as const) {
      const key = laneKey(connectionId, direction);
      const lane = this.lanes.get(key);
      if (!lane) continue;
      this.lanes.delete(key);
      const held = lane.held;
      lane.held = null;
      if (held) {
        held.handle.closed(message);
        lane.sink.drop(held.frame.buffer, held.frame.isBinary);
      }
      for (const frame of lane.queue) lane.sink.drop(frame.buffer, frame.isBinary);
      lane.queue = [];
    }
    this.connections.delete(connectionId);
  }

  closeAll(message: string): void {
    const ids = new Set([...this.connections.keys(), ...[...this.lanes.values()].map((lane) => lane.connectionId)]);
    for (const id of ids) this.close(id, message);
  }

  /** Holds the frame when a rule matches; false to send it on. Never throws. */
  private tryHold(lane: Lane, frame: Frame): boolean {
    const rules = this.route.breakpoints.frameRules();
    const connection = this.connections.get(lane.connectionId);
    if (rules.length === 0 || !connection) return false;
    let facts: FrameFacts;
    let match: BreakpointMatch | null;
    try {
      facts = readFrameFacts(
        { routeId: this.route.routeId, method: 'GET', url: connection.url, headers: connection.headers },
        lane.direction,
        frame.isBinary ? null : frame.buffer.toString('utf8'),
        this.route.breakpoints.frameNeeds(),
        () => (this.dialects ??= realtimeDialects()),
        connection.memory,
      );
      match = matchFrameBreakpoint(rules, facts);
    } catch (error) {
      this.route.log.append({ kind: 'core.error', context: `breakpoints ${lane.connectionId}`, message: (error as Error).message });
      return false;
    }
    if (!match) return false;
    // The pause names the call the frame carries even when the rule did not need it read (a frame-type rule).
    if (match.call === null && !frame.isBinary && !this.route.breakpoints.frameNeeds().call) {
      try {
        facts = readFrameFacts(
          { routeId: this.route.routeId, method: 'GET', url: connection.url, headers: connection.headers },
          lane.direction,
          frame.buffer.toString('utf8'),
          { frameType: true, call: true },
          () => (this.dialects ??= realtimeDialects()),
          connection.memory,
        );
        match = { rule: match.rule, call: facts.call };
      } catch {
        // The readers do not throw; the pause then names no call.
      }
    }
    const wasJson = !frame.isBinary && (facts.json || parseJsonText(frame.buffer.toString('utf8')).ok);
    const handle = this.route.pauses.hold({
      rule: match.rule,
      stage: 'frame',
      connectionId: lane.connectionId,
      direction: lane.direction,
      functionName: match.call?.functionName ?? null,
      callId: match.call?.callId ?? null,
      frame: this.capture(frame),
      prepare: (params) => this.prepare(lane, frame, params, wasJson),
    });
    lane.held = { frame, handle };
    return true;
  }

  private prepare(lane: Lane, frame: Frame, params: ReleasePauseParams, wasJson: boolean): PreparedRelease {
    switch (params.action) {
      case 'continue':
        return { run: () => this.released(lane, () => lane.sink.send(frame.buffer, frame.isBinary)) };
      case 'edit': {
        const edit = params.frame;
        if (!edit) throw new Error('releasing a held frame edited needs the changed frame (opcode, data); the item is still held');
        let buffer: Buffer;
        if (edit.opcode === 'text') {
          if (wasJson) {
            const parsed = parseJsonText(edit.data);
            if (!parsed.ok) throw new Error(`the edited frame is not valid JSON (${parsed.message}); the item is still held`);
          }
          buffer = Buffer.from(edit.data, 'utf8');
        } else {
          const bytes = outgoingBytes('base64', edit.data);
          if (!bytes) throw new Error('a binary frame must be given as base64, and this is not valid base64; the item is still held');
          buffer = bytes;
        }
        const isBinary = edit.opcode === 'binary';
        return { run: () => this.released(lane, () => lane.sink.send(buffer, isBinary)) };
      }
      case 'answer':
        throw new Error('only a held webhook request can be answered; release a frame as it is, edited, or drop it; the item is still held');
      case 'drop':
        return { run: () => this.released(lane, () => lane.sink.drop(frame.buffer, frame.isBinary)) };
    }
  }

  /** After a release: the held frame goes (or not), then the frames behind it, in order, until one is held again. */
  private released(lane: Lane, sendHeld: () => void): void {
    const key = laneKey(lane.connectionId, lane.direction);
    // The connection closed meanwhile: close() already recorded everything.
    if (this.lanes.get(key) !== lane) return;
    lane.held = null;
    sendHeld();
    while (lane.queue.length > 0) {
      const next = lane.queue.shift()!;
      lane.queuedBytes -= next.buffer.length;
      if (!lane.flushing && this.tryHold(lane, next)) return;
      lane.sink.send(next.buffer, next.isBinary);
      // A send may close the connection (a peer reacts at once); then close() took the lane.
      if (this.lanes.get(key) !== lane) return;
    }
    this.lanes.delete(key);
  }

  private capture(frame: Frame): NonNullable<EventOf<'pause.start'>['frame']> {
    return captureFrame(frame.buffer, frame.isBinary, this.route.frameCap);
  }
}

function laneKey(connectionId: string, direction: WsDirection): string {
  return `${connectionId} ${direction}`;
}
