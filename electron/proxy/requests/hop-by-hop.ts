/**
 * Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection: the client's to the proxy, or the proxy's to the
 * upstream. A client's `Connection: close` went upstream and closed the kept-alive upstream connection after
 * every such request; the upstream's own Connection and Keep-Alive went back to the client, where its
 * "keep-alive" overrode the client's "close". Headers the Connection header names are hop-by-hop too, except
 * the Host and the framing, which are never dropped because a peer named them. The capture records every
 * header as it was sent.
 */
import http from 'node:http';
import https from 'node:https';

export const HOP_BY_HOP: readonly string[] = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade'];
const KEPT_WHEN_NAMED = new Set(['host', 'content-length', 'transfer-encoding']);

/** The extra header names a Connection value lists ("close" and "keep-alive" are options, not names). */
function namedIn(connection: string): string[] {
  const names: string[] = [];
  for (const token of connection.split(',')) {
    const name = token.trim().toLowerCase();
    if (name && name !== 'close' && name !== 'keep-alive' && !KEPT_WHEN_NAMED.has(name)) names.push(name);
  }
  return names;
}

/** Removes hop-by-hop headers from parsed headers (an upstream response's, before they are copied to the client). */
export function dropHopByHop(headers: Record<string, string | string[] | undefined>): void {
  const connection = headers.connection;
  const named = typeof connection === 'string' ? namedIn(connection) : [];
  for (const name of [...HOP_BY_HOP, ...named]) if (headers[name] !== undefined) delete headers[name];
}

/**
 * Drops the client's hop-by-hop headers from each upstream request as it is handed to the agent: the headers
 * are set then and not yet sent, and the client's own request (which http-proxy-3 reads again for the response)
 * stays as it came. Connection becomes the agent's own "keep-alive": removing it would make Node close the
 * upstream connection after the request.
 */
function dropFromRequest(req: http.ClientRequest): void {
  if (req.headersSent) return;
  const connection = req.getHeader('connection');
  const named = typeof connection === 'string' ? namedIn(connection) : [];
  for (const name of [...HOP_BY_HOP, ...named]) if (name !== 'connection' && req.hasHeader(name)) req.removeHeader(name);
  if (connection !== undefined) req.setHeader('connection', 'keep-alive');
}

// `addRequest` is called synchronously from the ClientRequest constructor; it is not in @types/node's Agent.
type AddRequest = (req: http.ClientRequest, options: unknown) => void;

/**
 * The route's keep-alive agent to an upstream, for http: or https:. `onRequest` sees each upstream request at the
 * same moment, before its head is written.
 */
export function upstreamAgent(protocol: string, onRequest: (req: http.ClientRequest) => void = () => {}): http.Agent {
  const agent = protocol === 'https:' || protocol === 'wss:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const add = (agent as unknown as { addRequest: AddRequest }).addRequest.bind(agent);
  (agent as unknown as { addRequest: AddRequest }).addRequest = (req, options) => {
    dropFromRequest(req);
    onRequest(req);
    add(req, options);
  };
  return agent;
}
