/** The icon beside a call's status word, so status never rests on colour alone (timeline, facets, details). */
import type { CallStatus } from '../../../shared/analysis/model.js';

export const STATUS_ICON: Record<CallStatus, string> = {
  pending: '…',
  ok: '✔',
  error: '✖',
  unanswered: '⊘',
  mocked: '◆',
  replayed: '↻',
};
