/**
 * A reference proxy built from the same parts as Toolscope's route, without any capture: http-proxy-3 with a
 * keep-alive agent for HTTP, and a `ws` message-level relay for WebSocket upgrades. Running it beside the real
 * route separates what any Node proxy hop costs on this machine from what Toolscope's capture adds.
 */
import http from 'node:http';
import { createProxyServer } from 'http-proxy-3';
import { WebSocket, WebSocketServer } from 'ws';

export async function startBareProxy(upstreamPort) {
  const target = `http://127.0.0.1:${upstreamPort}`;
  const agent = new http.Agent({ keepAlive: true });
  const proxy = createProxyServer({ target, agent, changeOrigin: true, preserveHeaderKeyCase: true, ws: false, xfwd: false });
  proxy.on('error', () => {});
  const sockets = new Set();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 0 });
  const server = http.createServer((req, res) => {
    proxy.web(req, res, {}, () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.requestTimeout = 0;
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    const upstream = new WebSocket(`ws://127.0.0.1:${upstreamPort}${req.url}`, { perMessageDeflate: false, maxPayload: 0 });
    sockets.add(upstream);
    upstream.on('error', () => socket.destroy());
    upstream.on('open', () => {
      wss.handleUpgrade(req, socket, head, (client) => {
        sockets.add(client);
        client.on('message', (data, isBinary) => upstream.readyState === WebSocket.OPEN && upstream.send(data, { binary: isBinary }));
        upstream.on('message', (data, isBinary) => client.readyState === WebSocket.OPEN && client.send(data, { binary: isBinary }));
        client.on('close', () => {
          sockets.delete(client);
          upstream.close();
        });
        upstream.on('close', () => {
          sockets.delete(upstream);
          if (client.readyState === WebSocket.OPEN) client.close();
        });
        client.on('error', () => {});
      });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      proxy.close();
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
