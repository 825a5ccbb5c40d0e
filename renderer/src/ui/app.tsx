/** The whole window: header, an optional session banner, the toolbar, and the list beside its details. */
import { useEffect } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { getBridge } from '../bridge/get-bridge.js';
import { listenForDesktopCommands } from '../bridge/desktop-commands.js';
import { startLiveFeed } from '../state/live-feed.js';
import { useSelectionStore } from '../state/selection-store.js';
import { syncViewWithUrl, useTimelineStore } from '../state/timeline-store.js';
import { AppHeader } from './app-header.js';
import { CallsTimeline } from './calls-timeline.js';
import { DetailPane } from './detail-pane.js';
import { Dialogs } from './dialogs.js';
import { FileDrop } from './file-drop.js';
import { EmptyState } from './empty-state.js';
import { NoCallsNote } from './no-calls-note.js';
import { SessionBanner } from './session-banner.js';
import { HeldBar } from './breakpoints/held-bar.js';
import { TimelineToolbar } from './timeline-toolbar.js';
import { TrafficList } from './traffic-list.js';

export function App() {
  useEffect(() => startLiveFeed(getBridge()), []);
  useEffect(() => syncViewWithUrl(), []);
  useEffect(() => closePaneOnEscape(), []);
  useEffect(() => listenForDesktopCommands(), []);
  const paneOpen = useSelectionStore((s) => s.paneOpen && s.selection !== null);
  const view = useTimelineStore((s) => s.view);
  const layout = useDefaultLayout({ id: 'toolscope-workspace', panelIds: paneOpen ? ['list', 'details'] : ['list'], storage: localStorage });
  return (
    <div className="app">
      <AppHeader />
      <SessionBanner />
      <HeldBar />
      <TimelineToolbar />
      <Group id="toolscope-workspace" orientation="horizontal" className="workspace" defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged}>
        <Panel id="list" minSize={360}>
          <div className="list-pane">
            <EmptyState />
            {view === 'calls' ? (
              <>
                <NoCallsNote />
                <CallsTimeline />
              </>
            ) : (
              <TrafficList />
            )}
          </div>
        </Panel>
        {paneOpen && (
          <>
            <Separator className="resize-handle" aria-label="Resize details" />
            <Panel id="details" defaultSize="45" minSize={320}>
              <DetailPane />
            </Panel>
          </>
        )}
      </Group>
      <Dialogs />
      <FileDrop />
    </div>
  );
}

/** Esc closes the details from anywhere but a text field (where it belongs to the field), and the list gets the keyboard back. */
function closePaneOnEscape(): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    // Esc in a dialog closes the dialog (the <dialog> element does that itself), not the details behind it.
    if (document.querySelector('dialog[open]')) return;
    const target = event.target as HTMLElement | null;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    const { paneOpen, setPaneOpen } = useSelectionStore.getState();
    if (!paneOpen) return;
    setPaneOpen(false);
    (document.querySelector('.list-scroll') as HTMLElement | null)?.focus();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
