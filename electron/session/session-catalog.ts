/**
 * The Sessions list: the session files of the sessions folder, newest first, with their start time, size,
 * and event and call counts. Counting means reading and analysing a whole file, which takes seconds for a big
 * one, so it runs in the background, one file at a time, and is remembered by path, size and modification
 * time (in memory and in a small cache file beside the sessions); the list answers at once, with `null`
 * counts for files not counted yet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SessionSummary } from '../../shared/bridge.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import type { AnalysisOptions } from '../../shared/analysis/analyzer.js';
import { parseSessionHeader } from '../../shared/session-format.js';
import { readSessionFile } from './session-reader.js';

const CACHE_FILE = '.toolscope-catalog.json';
/** The list is for finding recent work; a folder with thousands of files shows the newest ones. */
export const MAX_LISTED = 200;
const HEADER_LIMIT = 64 * 1024;

const countsSchema = z.object({ size: z.number(), mtimeMs: z.number(), events: z.number(), calls: z.number() });
const cacheSchema = z.record(z.string(), countsSchema);
type Counts = z.infer<typeof countsSchema>;

export interface LiveSessionInfo {
  path: string | null;
  startedAt: string;
  appVersion: string;
  events: number;
  calls: number;
}

export class SessionCatalog {
  private cache: Map<string, Counts> | null = null;
  private readonly queue: string[] = [];
  private counting: Promise<void> | null = null;

  constructor(
    readonly directory: string,
    private readonly analysisOptions: AnalysisOptions = {},
  ) {}

  /**
   * The list now; counts that are not known yet are started in the background. `alsoFiles` are session files
   * outside the folder that belong in the list anyway (the earlier sessions of this run, written where
   * `--session` said).
   */
  list(live: LiveSessionInfo | null, alsoFiles: readonly string[] = []): SessionSummary[] {
    const cache = this.loadCache();
    const livePath = live?.path ? path.resolve(live.path) : null;
    const summaries: SessionSummary[] = [];
    for (const file of this.sessionFiles(alsoFiles)) {
      if (file.path === livePath) continue;
      const summary = describe(file.path, file.stat);
      const counts = cache.get(file.path);
      if (counts && counts.size === file.stat.size && counts.mtimeMs === file.stat.mtimeMs) {
        summary.events = counts.events;
        summary.calls = counts.calls;
      } else if (summary.error === null) {
        this.enqueue(file.path);
      }
      summaries.push(summary);
    }
    if (live) summaries.unshift(liveSummary(live, livePath));
    return summaries;
  }

  /** Resolves when the background counting started so far has finished (tests, and a UI that waits). */
  async idle(): Promise<void> {
    while (this.counting) await this.counting;
  }

  private sessionFiles(alsoFiles: readonly string[] = []): { path: string; stat: fs.Stats }[] {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.directory);
    } catch {
      // No folder yet: nothing was recorded here.
    }
    const paths = new Set(names.filter((name) => name.endsWith('.ndjson')).map((name) => path.join(this.directory, name)));
    for (const file of alsoFiles) paths.add(path.resolve(file));
    const files: { path: string; stat: fs.Stats }[] = [];
    for (const file of paths) {
      try {
        const stat = fs.statSync(file);
        if (stat.isFile()) files.push({ path: file, stat });
      } catch {
        // Deleted while listing.
      }
    }
    files.sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
    return files.slice(0, MAX_LISTED);
  }

  private enqueue(file: string): void {
    if (!this.queue.includes(file)) this.queue.push(file);
    this.counting ??= this.countQueued().finally(() => {
      this.counting = null;
    });
  }

  private async countQueued(): Promise<void> {
    for (let file = this.queue.shift(); file !== undefined; file = this.queue.shift()) {
      try {
        const stat = fs.statSync(file);
        const loaded = await readSessionFile(file);
        const { report } = analyseEvents(loaded.events, this.analysisOptions);
        this.loadCache().set(file, { size: stat.size, mtimeMs: stat.mtimeMs, events: loaded.events.length, calls: report.calls.length });
        this.saveCache();
      } catch {
        // Unreadable files show their error from the header check; a file that vanished is simply not counted.
      }
    }
  }

  private loadCache(): Map<string, Counts> {
    if (this.cache) return this.cache;
    this.cache = new Map();
    try {
      const parsed = cacheSchema.safeParse(JSON.parse(fs.readFileSync(path.join(this.directory, CACHE_FILE), 'utf8')));
      if (parsed.success) for (const [file, counts] of Object.entries(parsed.data)) this.cache.set(file, counts);
    } catch {
      // No cache yet, or a broken one: counting again is only slower.
    }
    return this.cache;
  }

  private saveCache(): void {
    try {
      fs.mkdirSync(this.directory, { recursive: true });
      // Forget files that are gone, so the cache does not grow forever.
      const entries = Object.fromEntries([...this.loadCache()].filter(([file]) => fs.existsSync(file)));
      fs.writeFileSync(path.join(this.directory, CACHE_FILE), JSON.stringify(entries));
    } catch {
      // A read-only folder still lists; the counts are just not remembered across runs.
    }
  }
}

function describe(file: string, stat: fs.Stats): SessionSummary {
  const summary: SessionSummary = {
    path: file,
    fileName: path.basename(file),
    startedAt: null,
    appVersion: null,
    bytes: stat.size,
    modifiedAt: new Date(stat.mtimeMs).toISOString(),
    events: null,
    calls: null,
    current: false,
    error: null,
  };
  try {
    const header = parseSessionHeader(readFirstLine(file));
    summary.startedAt = header.startedAt;
    summary.appVersion = header.appVersion;
  } catch (error) {
    summary.error = (error as Error).message;
  }
  return summary;
}

function liveSummary(live: LiveSessionInfo, livePath: string | null): SessionSummary {
  let bytes = 0;
  let modifiedAt = new Date().toISOString();
  if (livePath) {
    try {
      const stat = fs.statSync(livePath);
      bytes = stat.size;
      modifiedAt = new Date(stat.mtimeMs).toISOString();
    } catch {
      // Not written yet.
    }
  }
  return {
    path: livePath ?? '',
    fileName: livePath ? path.basename(livePath) : '(not saved to a file)',
    startedAt: live.startedAt,
    appVersion: live.appVersion,
    bytes,
    modifiedAt,
    events: live.events,
    calls: live.calls,
    current: true,
    error: null,
  };
}

function readFirstLine(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_LIMIT);
    const read = fs.readSync(fd, buffer, 0, HEADER_LIMIT, 0);
    const text = buffer.subarray(0, read).toString('utf8');
    const newline = text.indexOf('\n');
    return newline === -1 ? text : text.slice(0, newline);
  } finally {
    fs.closeSync(fd);
  }
}
