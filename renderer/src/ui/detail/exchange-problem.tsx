/** Why an exchange failed or was cut short, in words, with the technical cause beside it. */
import type { ExchangeView } from '../../../../shared/store/traffic-state.js';
import { ProblemBox } from '../problem-box.js';

const CAUSES: Record<string, string> = {
  refused: 'The upstream refused the connection',
  reset: 'The upstream reset the connection',
  timeout: 'The upstream did not answer in time',
  dns: 'The upstream host name did not resolve',
  tls: 'The TLS handshake with the upstream failed',
  other: 'The exchange with the upstream failed',
};

export function ExchangeProblem({ exchange }: { exchange: ExchangeView }) {
  const { error, aborted, sseEnd } = exchange;
  return (
    <>
      {error && (
        <ProblemBox title={CAUSES[error.cause] ?? CAUSES.other!}>
          <p>
            <code>{error.code}</code> {error.message}
          </p>
          <p>
            {error.statusSent === null
              ? 'The client got no response.'
              : `Toolscope answered the client with ${error.statusSent}.`}
          </p>
        </ProblemBox>
      )}
      {aborted && (
        <ProblemBox title={`The ${aborted.by} went away while the ${aborted.phase} was in flight`}>
          <p>{aborted.message}</p>
        </ProblemBox>
      )}
      {sseEnd && sseEnd.leftover !== null && sseEnd.leftover.length > 0 && (
        <ProblemBox title="Text after the last SSE event was dropped" tone="warning">
          <p>
            The stream ended without a blank line after its last block, so clients drop this text
            {sseEnd.leftoverOffset !== null ? ` (at byte ${sseEnd.leftoverOffset})` : ''}:
          </p>
          <pre className="code">{sseEnd.leftover}</pre>
        </ProblemBox>
      )}
      {sseEnd && !sseEnd.complete && !aborted && !error && (
        <ProblemBox title="The SSE stream stopped before the upstream ended it" tone="warning">
          <p>One side went away mid-stream after {sseEnd.events} events.</p>
        </ProblemBox>
      )}
    </>
  );
}
