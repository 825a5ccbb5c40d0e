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
