/**
 * What the lists show: the live traffic, or a session opened read-only. A session streams in: its text is
 * parsed and folded slice by slice with the same reducers as the live store, and the view is published a few
 * times a second while it loads, so the first calls are on screen at once and a progress bar tells the rest.
 */
import { create } from 'zustand';
import type { SessionHeader, SessionWarning } from '../../../shared/session-format.js';
import { SessionLineReader } from '../../../shared/session-line-reader.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../../shared/store/traffic-state.js';
import type { AnalysisState } from '../../../shared/analysis/analyzer.js';
import { currentAnalyzer } from './traffic-store.js';
import { useSelectionStore } from './selection-store.js';

export interface SessionChunk {
  text: string;
  /** Bytes read so far, of `totalBytes`. */
  bytesRead: number;
  done: boolean;
}

export interface SessionSource {
  /** What the banner names: the path on the core's machine, or the picked file's name. */
  label: string;
  header: SessionHeader;
  totalBytes: number;
  /** Chunks in order; text of a chunk may end mid-line (the line reader joins them). */
  chunks(): AsyncGenerator<SessionChunk>;
}

export interface SessionLoading {
  bytesRead: number;
  totalBytes: number;
}

export interface SessionView {
  /** The path on the core's machine, or the name of a file opened in the page. */
  label: string;
  header: SessionHeader;
  warnings: readonly SessionWarning[];
  traffic: TrafficState;
  analysis: AnalysisState;
  /** Set while the file is still being read; null once all of it is shown. */
  loading: SessionLoading | null;
  /** Why reading stopped early; what was read before stays on screen. */
  error: string | null;
}

export interface ViewStore {
  session: SessionView | null;
  /** A file whose header is being checked (before anything can be shown). */
  opening: string | null;
  /** Why the last open was refused (wrong file, newer format, unreadable). */
  openError: string | null;
  /**
   * Opens a session: resolves true as soon as its header is accepted and it starts to stream in (the banner
   * shows the progress), false when it is refused (`openError` says why). `notes` start its warnings (an
   * import's remarks, for example).
   */
  open(label: string, source: () => Promise<SessionSource>, notes?: readonly SessionWarning[]): Promise<boolean>;
  /** Stops reading; what was read so far stays on screen. */
  stopLoading(): void;
  showLive(): void;
  dismissOpenError(): void;
}

/**
 * How often a loading session is published to the screen. Each publish re-renders the lists, the facets and the
 * deferred filter (two or three React commits, tens of milliseconds at 100,000 events), which at 4 per second
 * doubled the time a big file took to load; the progress bar has its own store and moves with every slice.
 */
const PUBLISH_EVERY_MS = 1000;

/** How far the session being opened has been read: updated per slice, read only by the progress bar. */
export const useLoadProgress = create<{ progress: SessionLoading | null }>(() => ({ progress: null }));

/** Each open gets a number; a newer open (or Back to live) makes the older loop stop at its next slice. */
let generation = 0;

export const useViewStore = create<ViewStore>((set, get) => ({
  session: null,
  opening: null,
  openError: null,
  open: async (label, makeSource, notes = []) => {
    const mine = ++generation;
    set({ opening: label, openError: null });
    let source: SessionSource;
    try {
      source = await makeSource();
    } catch (error) {
      if (mine === generation) set({ opening: null, openError: (error as Error).message });
      return false;
    }
    if (mine !== generation) return false;
    useSelectionStore.getState().select(null);
    const analyzer = currentAnalyzer();
    const reader = new SessionLineReader({ afterHeader: true });
    let traffic = emptyTrafficState();
    let analysis = analyzer.initialState();
    let warnings: readonly SessionWarning[] = notes;
    let loading: SessionLoading | null = { bytesRead: 0, totalBytes: source.totalBytes };
    useLoadProgress.setState({ progress: loading });
    const publish = (error: string | null = null) =>
      set({ opening: null, session: { label: source.label, header: source.header, warnings, traffic, analysis, loading, error } });
    publish();
    // The first slice is shown as soon as it is read, so the first calls appear at once.
    let lastPublish = -Infinity;
    const fold = (parsed: ReturnType<SessionLineReader['push']>) => {
      if (parsed.events.length > 0) {
        const next = foldEvents(traffic, parsed.events);
        analysis = analyzer.fold(analysis, parsed.events, next);
        traffic = next;
      }
      if (parsed.warnings.length > 0) warnings = [...warnings, ...parsed.warnings];
    };
    const load = async () => {
      try {
        for await (const chunk of source.chunks()) {
          if (mine !== generation) return;
          fold(reader.push(chunk.text));
          loading = { bytesRead: chunk.bytesRead, totalBytes: source.totalBytes };
          useLoadProgress.setState({ progress: loading });
          if (chunk.done) break;
          if (performance.now() - lastPublish >= PUBLISH_EVERY_MS) {
            publish();
            lastPublish = performance.now();
          }
        }
        fold(reader.finish());
        loading = null;
        publish();
      } catch (error) {
        if (mine !== generation) return;
        loading = null;
        publish(`reading stopped: ${(error as Error).message}`);
      }
    };
    void load();
    return true;
  },
  stopLoading: () => {
    generation++;
    const session = get().session;
    const progress = useLoadProgress.getState().progress;
    if (session?.loading && progress) {
      const { bytesRead, totalBytes } = progress;
      set({ session: { ...session, loading: null, error: `stopped after ${bytesRead.toLocaleString()} of ${totalBytes.toLocaleString()} bytes` } });
    }
  },
  showLive: () => {
    generation++;
    useSelectionStore.getState().select(null);
    set({ session: null, opening: null });
  },
  dismissOpenError: () => set({ openError: null }),
}));
