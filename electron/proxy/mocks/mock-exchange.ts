/**
 * What a webhook mock may do with the exchange it answers. The forwarder implements it, so a mock's answer is
 * recorded by the same code as a backend's (http.response, the body capture, the SSE reader): the timeline and
 * the analysis see the same events, plus the `mock.hit` that says who answered.
 */
import type { HeaderList } from '../../../shared/events.js';

export interface MockResponse {
  /** Sends bytes to the client, recording them exactly as sent. */
  write(chunk: Buffer | string): void;
  /** Ends the response (after `last`, when given). */
  end(last?: Buffer | string): void;
}

/** One exchange taken by one rule. */
export interface MockExchange {
  readonly exchangeId: string;
  /** False once the exchange has its final event: the client went away, the route closed or timed out. */
  isOpen(): boolean;
  /** Records that the rule took the exchange (before anything it sends) and counts the hit. */
  hit(callId: string | null, warnings: readonly string[]): void;
  /** Sends (and records) the response head; the body follows through the returned writer. */
  respond(status: number, headers: HeaderList): MockResponse;
  /** Sends the request on to the upstream as if no rule had matched. */
  forward(): void;
  /** Destroys the connection without an answer, recorded as aborted by the proxy. */
  close(message: string): void;
  /** Keeps the client waiting: the route's timeout (or the client giving up) ends the exchange. */
  hold(message: string): void;
  /** Runs `action` after `ms` unless the exchange ended meanwhile; a throw ends it with `fail`. */
  later(ms: number, action: () => void): void;
  /** The rule could not be carried out: the client gets a 502 naming the rule, and the log an error. */
  fail(error: unknown): void;
}
