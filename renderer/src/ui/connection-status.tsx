/** Whether the UI is connected to the core, and why not when it is not. */
import { useEffect, useState } from 'react';
import { useConnectionStore } from '../bridge/connection-store.js';

const WORDS = { connecting: 'Connecting…', open: 'Connected', closed: 'Disconnected' } as const;

export function ConnectionStatus() {
  const status = useConnectionStore((s) => s.status);
  const lastError = useConnectionStore((s) => s.lastError);
  const retryAt = useConnectionStore((s) => s.retryAt);
  const transport = useConnectionStore((s) => s.transport);
  const retryIn = useSecondsUntil(status === 'closed' ? retryAt : null);
  // The countdown goes first: a long reason is cut at the end, and its full text is in the tooltip.
  const detail = status === 'closed' ? `${retryIn !== null ? `retrying in ${retryIn} s · ` : ''}${lastError ?? 'not connected'}` : null;
  return (
    <div className={`connection-status status-${status}`} role="status" aria-label={`Connection ${status}`} data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-word">{WORDS[status]}</span>
      {transport === 'ipc' && status === 'open' ? null : detail && <span className="status-detail" title={detail}>{detail}</span>}
    </div>
  );
}

/** Counts down once a second while a retry is scheduled, and not at all otherwise. */
function useSecondsUntil(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
