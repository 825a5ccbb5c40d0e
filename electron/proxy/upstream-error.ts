/** Names why an upstream could not be reached, in the words a bot developer searches for. */
export interface UpstreamFailure {
  cause: 'refused' | 'reset' | 'timeout' | 'dns' | 'tls' | 'other';
  code: string;
  message: string;
  status: 502 | 504;
}

export function classifyUpstreamError(error: NodeJS.ErrnoException): UpstreamFailure {
  const code = error.code ?? 'UNKNOWN';
  const message = error.message || code;
  switch (code) {
    case 'ECONNREFUSED':
      return { cause: 'refused', code, message: `the upstream refused the connection (${message})`, status: 502 };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return { cause: 'reset', code, message: `the upstream closed the connection before answering (${message})`, status: 502 };
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return { cause: 'timeout', code, message: `the upstream did not answer in time (${message})`, status: 504 };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { cause: 'dns', code, message: `the upstream host name could not be resolved (${message})`, status: 502 };
    default:
      if (/CERT|SSL|TLS|self.signed/i.test(code + message)) {
        return { cause: 'tls', code, message: `TLS handshake with the upstream failed (${message})`, status: 502 };
      }
      return { cause: 'other', code, message, status: 502 };
  }
}

const CAUSE_WORDS = { refused: 'connection refused', reset: 'connection reset', timeout: 'timed out', dns: 'host not found', tls: 'TLS failed', other: 'request failed' } as const;

/**
 * A failed request to a backend that Toolscope sent itself (replay, edit and resend), in a few words and the
 * system's message: "connection refused (connect ECONNREFUSED 127.0.0.1:1234)".
 */
export function describeUpstreamError(error: NodeJS.ErrnoException): string {
  const failure = classifyUpstreamError(error);
  return `${CAUSE_WORDS[failure.cause]} (${error.message || failure.code})`;
}

/** What a request Toolscope sent itself got when its whole answer did not arrive in time. */
export function timedOutSentence(timeoutMs: number): string {
  return `timed out: no complete answer within ${timeoutMs} ms`;
}
