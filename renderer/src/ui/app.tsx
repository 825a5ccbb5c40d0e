/** The whole window: header, an optional session banner, and the list beside its details. */
import { useEffect } from 'react';
import { getBridge } from '../bridge/get-bridge.js';
import { startLiveFeed } from '../state/live-feed.js';
import { AppHeader } from './app-header.js';
import { CallsPanel } from './calls-panel.js';
import { DetailPane } from './detail-pane.js';
import { EmptyState } from './empty-state.js';
import { SessionBanner } from './session-banner.js';
import { TrafficList } from './traffic-list.js';

export function App() {
  useEffect(() => startLiveFeed(getBridge()), []);
  return (
    <div className="app">
      <AppHeader />
      <SessionBanner />
      <main className="workspace">
        <div className="traffic-pane">
          <EmptyState />
          <CallsPanel />
          <TrafficList />
        </div>
        <DetailPane />
      </main>
    </div>
  );
}
