/** How a frame's direction reads: the arrow points where the bytes went (right to the upstream). */
import type { WsDirection } from '../../../shared/events.js';

export function directionArrow(direction: WsDirection): string {
  return direction === 'client-to-upstream' ? '→' : '←';
}

export function directionWords(direction: WsDirection): string {
  return direction === 'client-to-upstream' ? 'to upstream' : 'to client';
}
