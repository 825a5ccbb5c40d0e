/**
 * Shown while there is no traffic: tells the user exactly where to point their bot, with the real listen
 * addresses of the routes and copyable examples for the platforms our users run, because "configure the
 * proxy" is not an instruction anyone can follow.
 */
import { useState } from 'react';
import type { RouteView } from '../../../shared/store/traffic-state.js';
import { useConnectionStore } from '../bridge/connection-store.js';
import { useTrafficStore } from '../state/traffic-store.js';
import { useTraffic } from '../state/use-traffic.js';
import { useViewStore } from '../state/view-store.js';
import { listenAddress } from './format.js';

export function EmptyState() {
  const hasTraffic = useTraffic((s) => s.exchanges.size > 0 || s.connections.size > 0);
  const inSession = useViewStore((s) => s.session !== null);
  const routes = useTrafficStore((s) => s.traffic.routes);
  const disconnected = useConnectionStore((s) => s.status !== 'open');
  const noEvents = useTrafficStore((s) => s.traffic.eventCount === 0);
  if (hasTraffic) return null;
  if (inSession) {
    return (
      <div className="empty-state" role="note" aria-label="No traffic">
        <p>This session file has no HTTP exchanges or WebSocket connections.</p>
      </div>
    );
  }
  if (disconnected && noEvents) {
    return (
      <div className="empty-state" role="note" aria-label="Not connected">
        <h2>Waiting for the Toolscope core</h2>
        <p>The header says why it is not connected yet; the list fills in as soon as it is.</p>
      </div>
    );
  }
  const up = [...routes.values()].filter((route) => route.up);
  return (
    <div className="empty-state" role="note" aria-label="No traffic yet">
      <h2>No traffic yet</h2>
      {up.length === 0 ? (
        <p>
          Add a route above: a local port to listen on, and the URL of your tool backend. Then point your bot at that
          port.
        </p>
      ) : (
        up.map((route) => <RouteExamples key={route.routeId} route={route} />)
      )}
    </div>
  );
}

function RouteExamples({ route }: { route: RouteView }) {
  const address = listenAddress(route.listen);
  const http = `http://${address}`;
  const ws = `ws://${address}`;
  const realtimeUpstream = /openai\.com/i.test(route.upstream);
  return (
    <section className="route-examples" aria-label={`Examples for ${address}`}>
      <p>
        Requests to <code>{http}</code> are forwarded to <code>{route.upstream}</code> (same path), and recorded here.
        Point one of these at it:
      </p>
      <Example
        title="Daily Bots webhook_tools"
        note="In the bot config you send to /bots/start. Daily's cloud must reach this port: on your own machine, expose it with a tunnel (cloudflared, ngrok) and use the tunnel's URL with the same path."
        text={JSON.stringify({ webhook_tools: { get_weather: { url: `${http}/get_weather`, method: 'POST', streaming: false } } }, null, 2)}
      />
      <Example
        title="Vapi server URL"
        note="The assistant's (or the tool's) server URL. Vapi calls it from its cloud, so use a tunnel to this port as above."
        text={`${http}/vapi/webhook`}
      />
      <Example
        title="Realtime WebSocket client"
        note={
          realtimeUpstream
            ? 'Use this as the WebSocket URL of your OpenAI Realtime client (the SDK\'s baseURL or the raw socket URL).'
            : 'For OpenAI Realtime, add a route to wss://api.openai.com and use its port; frames of any WebSocket protocol on this route are recorded the same way.'
        }
        text={`${ws}/v1/realtime?model=gpt-realtime`}
      />
    </section>
  );
}

function Example({ title, note, text }: { title: string; note: string; text: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      // Clipboard access can be refused (permissions, an insecure origin); the text stays selectable.
      setCopied('failed');
    }
    setTimeout(() => setCopied(null), 1500);
  };
  return (
    <div className="example">
      <div className="example-head">
        <h3>{title}</h3>
        <button type="button" onClick={copy} aria-label={`Copy ${title} example`}>
          {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select and copy' : 'Copy'}
        </button>
      </div>
      <pre className="example-text mono">{text}</pre>
      <p className="muted">{note}</p>
    </div>
  );
}
