/**
 * Which way a message travels. A message going the wrong way (a client event sent by the server, a result sent
 * to the client) is not handled by the side that receives it, so it neither starts nor answers a call.
 */
import type { WsDirection } from '../../events.js';
import type { FindingDraft } from '../model.js';

export const FROM_CLIENT: WsDirection = 'client-to-upstream';
export const FROM_SERVER: WsDirection = 'upstream-to-client';

/** A warning when `direction` is not `expected`, or null when the message travels the way its protocol says. */
export function wrongDirection(prefix: string, messageType: string, expected: WsDirection, direction: WsDirection, seq: number): FindingDraft | null {
  if (direction === expected) return null;
  const sender = expected === FROM_CLIENT ? 'the client sends to the server' : 'the server sends to the client';
  const receiver = expected === FROM_CLIENT ? 'the client does not handle it' : 'the server does not accept it';
  return {
    rule: `${prefix}/unexpected-direction`,
    severity: 'warning',
    message:
      `${messageType} is a message ${sender}, but this one travelled the other way: ${receiver}, so Toolscope does not read it as a call, a result or a tool declaration. ` +
      'Check which side of the connection produces it (an echo, a mock, or a route pointed the wrong way).',
    seq,
  };
}
