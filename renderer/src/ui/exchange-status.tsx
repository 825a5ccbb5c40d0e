/** The status of an exchange as one short word or code, shared by the list row and the detail heading. */
import type { ExchangeView } from '../../../shared/store/traffic-state.js';

export function exchangeStatusText(exchange: ExchangeView): string {
  if (exchange.error) return exchange.error.statusSent !== null ? `${exchange.error.statusSent} ${exchange.error.cause}` : `error: ${exchange.error.cause}`;
  if (exchange.aborted) return `aborted by ${exchange.aborted.by}`;
  if (!exchange.response) return 'pending';
  const code = String(exchange.response.status);
  return exchange.state === 'streaming' ? `${code} streaming` : code;
}

export function exchangeStatusTone(exchange: ExchangeView): 'ok' | 'warn' | 'bad' | 'pending' {
  if (exchange.error || exchange.aborted) return 'bad';
  if (!exchange.response) return 'pending';
  const status = exchange.response.status;
  if (status >= 500 || exchange.response.synthetic) return 'bad';
  if (status >= 400) return 'warn';
  return exchange.state === 'streaming' ? 'pending' : 'ok';
}

export function StatusBadge({ exchange }: { exchange: ExchangeView }) {
  return <span className={`badge tone-${exchangeStatusTone(exchange)}`}>{exchangeStatusText(exchange)}</span>;
}
