/**
 * Every item a breakpoint holds right now, across all routes: its `pause.start`, its deadline, and how to
 * release it. The forwarder and the relay put items here; the bridge's `releasePause` and each item's timer
 * take them off. An item leaves the board exactly once, recorded by one `pause.end` written before anything the
 * release sends (so the log reads: held, released how, then what the other side got).
 *
 * - The owner's `prepare` checks a release before anything happens: a refused release (an edit that is not
 *   JSON, an action the stage does not have) throws a sentence and the item stays held, its timer running.
 * - The timer releases the item as it is (`continue`, by `timeout`).
 * - `closed`: the item's side went away (the client left, the socket or the route closed): recorded as a drop
 *   by `closed`; nothing is sent.
 */
import type { PausedItem, ReleasePauseParams } from '../../../shared/bridge.js';
import type { BreakpointRule } from '../../../shared/breakpoints/breakpoint-rule.js';
import type { EventOf, HeaderList, CapturedBody, PauseAction, PauseStage, WsDirection } from '../../../shared/events.js';
import type { EventLog } from '../../core/event-log.js';
import type { IdSource } from '../../core/id-source.js';

export type ReleaseBy = 'user' | 'timeout';

/** What a release records in its `pause.end` besides the action, and what it then does. */
export interface PreparedRelease {
  request?: EventOf<'pause.end'>['request'];
  message?: string;
  /** Sends what the release sends; runs after `pause.end` is recorded. */
  run(): void;
}

export interface HoldSpec {
  rule: BreakpointRule;
  stage: PauseStage;
  exchangeId?: string;
  connectionId?: string;
  direction?: WsDirection;
  functionName: string | null;
  callId: string | null;
  response?: { status: number; statusMessage: string; headers: HeaderList; body: CapturedBody };
  frame?: EventOf<'pause.start'>['frame'];
  /** Checks a release and returns how to carry it out; throws a sentence to refuse it (the item stays held). */
  prepare(params: ReleasePauseParams, by: ReleaseBy): PreparedRelease;
}

/** The owner's handle on its held item. */
export interface HeldHandle {
  readonly pauseId: string;
  /** False once released, timed out or closed. */
  isHeld(): boolean;
  /** The item's side went away: record the end (drop, by closed); nothing is sent. */
  closed(message: string): void;
  /** Releases the item as it is now, as its timeout would (e.g. too much is waiting behind it). */
  expire(message: string): void;
}

interface Entry {
  item: PausedItem;
  spec: HoldSpec;
  timer: NodeJS.Timeout;
}

export class PauseBoard {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly log: EventLog,
    private readonly ids: IdSource,
  ) {}

  /** Items held now, in the order they were held. */
  list(): PausedItem[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.item }));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Records `pause.start` and holds the item until a release, its timeout, or `closed`. */
  hold(spec: HoldSpec): HeldHandle {
    const pauseId = this.ids.next('p');
    const timeoutMs = spec.rule.timeoutMs;
    const owner = ownerOf(spec);
    this.log.append({
      kind: 'pause.start',
      pauseId,
      ruleId: spec.rule.id,
      ruleName: spec.rule.name,
      stage: spec.stage,
      ...owner,
      ...(spec.direction !== undefined ? { direction: spec.direction } : {}),
      functionName: spec.functionName,
      callId: spec.callId,
      timeoutMs,
      ...(spec.response ? { response: spec.response } : {}),
      ...(spec.frame ? { frame: spec.frame } : {}),
    });
    const item: PausedItem = {
      pauseId,
      ruleId: spec.rule.id,
      stage: spec.stage,
      ...owner,
      ...(spec.direction !== undefined ? { direction: spec.direction } : {}),
      functionName: spec.functionName,
      releaseAt: Date.now() + timeoutMs,
    };
    const timer = setTimeout(() => this.onTimeout(pauseId), timeoutMs);
    this.entries.set(pauseId, { item, spec, timer });
    return {
      pauseId,
      isHeld: () => this.entries.has(pauseId),
      closed: (message) => {
        const entry = this.take(pauseId);
        if (entry) this.recordEnd(entry, 'drop', 'closed', { message });
      },
      expire: (message) => this.onTimeout(pauseId, message),
    };
  }

  /** The bridge's release. Throws a sentence when the item is not held or the release is refused. */
  release(params: ReleasePauseParams): { pauseId: string; action: PauseAction } {
    const entry = this.entries.get(params.pauseId);
    if (!entry) {
      throw new Error(`pause ${params.pauseId} is not held (it was released, timed out, or its client went away)`);
    }
    // Refused here, the item stays held: nothing was recorded or sent.
    const prepared = entry.spec.prepare(params, 'user');
    this.take(params.pauseId);
    this.finish(entry, params.action, 'user', prepared);
    return { pauseId: params.pauseId, action: params.action };
  }

  private onTimeout(pauseId: string, message?: string): void {
    const entry = this.entries.get(pauseId);
    if (!entry) return;
    this.take(pauseId);
    let prepared: PreparedRelease;
    try {
      prepared = entry.spec.prepare({ pauseId, action: 'continue' }, 'timeout');
    } catch (error) {
      // Releasing as it is cannot be refused; if an owner ever does, the item must still not hang.
      this.log.append({ kind: 'core.error', context: `breakpoint ${pauseId}`, message: (error as Error).message });
      this.recordEnd(entry, 'drop', 'timeout', { message: (error as Error).message });
      return;
    }
    this.finish(entry, 'continue', 'timeout', message !== undefined ? { ...prepared, message } : prepared);
  }

  private finish(entry: Entry, action: PauseAction, by: ReleaseBy, prepared: PreparedRelease): void {
    this.recordEnd(entry, action, by, prepared);
    try {
      prepared.run();
    } catch (error) {
      this.log.append({ kind: 'core.error', context: `breakpoint ${entry.item.pauseId}`, message: (error as Error).message });
    }
  }

  private take(pauseId: string): Entry | null {
    const entry = this.entries.get(pauseId);
    if (!entry) return null;
    clearTimeout(entry.timer);
    this.entries.delete(pauseId);
    return entry;
  }

  private recordEnd(
    entry: Entry,
    action: PauseAction,
    by: 'user' | 'timeout' | 'closed',
    extra: { request?: EventOf<'pause.end'>['request']; message?: string },
  ): void {
    this.log.append({
      kind: 'pause.end',
      pauseId: entry.item.pauseId,
      ...ownerOf(entry.spec),
      action,
      by,
      ...(extra.request ? { request: extra.request } : {}),
      ...(extra.message !== undefined ? { message: extra.message } : {}),
    });
  }
}

function ownerOf(spec: { exchangeId?: string; connectionId?: string }): { exchangeId?: string; connectionId?: string } {
  return {
    ...(spec.exchangeId !== undefined ? { exchangeId: spec.exchangeId } : {}),
    ...(spec.connectionId !== undefined ? { connectionId: spec.connectionId } : {}),
  };
}
