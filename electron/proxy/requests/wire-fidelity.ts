/**
 * Two things http-proxy-3 rebuilds that a byte-faithful proxy must pass on as they came:
 *
 * - An empty query. It joins the target's path and the client's with its own query merging, which drops a `?`
 *   with nothing after it: `/x?` went upstream as `/x`. A server may tell the two apart (a signed URL does).
 * - An empty reason phrase. It sets `res.statusCode` and lets Node write the head, and Node puts the standard
 *   phrase in place of an empty one: `HTTP/1.1 200 ` reached the client as `HTTP/1.1 200 OK`.
 */
import type http from 'node:http';

/**
 * Whether the path http-proxy-3 builds for this client target loses its empty query: the target ends with a `?`
 * and the upstream's base URL has no query of its own to merge it with (then the merged query is the base's,
 * as it was before).
 */
export function losesEmptyQuery(clientTarget: string, upstream: URL): boolean {
  return clientTarget.endsWith('?') && upstream.search === '';
}

/**
 * Puts the `?` back on an upstream request's path. Called as the request is handed to the agent, before its
 * head is written; a request whose head is already written (one with `Expect: 100-continue`, which Node writes
 * at once) goes as it is.
 */
export function restoreEmptyQuery(upstreamRequest: http.ClientRequest): void {
  if (upstreamRequest.headersSent || upstreamRequest.path.endsWith('?')) return;
  upstreamRequest.path += '?';
}

/**
 * Makes a response sent through http-proxy-3 keep the upstream's empty reason phrase. Node writes the head on
 * the first body write with `writeHead(statusCode)`, which fills an empty phrase in; given as a string, the
 * phrase is written as it is. Only for an empty phrase: any other goes the usual way.
 */
export function keepEmptyReason(upstream: http.IncomingMessage, res: http.ServerResponse): void {
  if (upstream.statusMessage !== '' || res.headersSent) return;
  const writeHead = res.writeHead.bind(res) as (status: number, reason?: unknown, headers?: unknown) => http.ServerResponse;
  res.writeHead = ((status: number, reasonOrHeaders?: unknown, headers?: unknown) =>
    typeof reasonOrHeaders === 'string' ? writeHead(status, reasonOrHeaders, headers) : writeHead(status, '', reasonOrHeaders)) as typeof res.writeHead;
}
