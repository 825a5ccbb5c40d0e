import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_RECENT_SESSIONS,
  addRecentSession,
  loadRecentSessions,
  parseRecentSessions,
  removeRecentSession,
  saveRecentSessions,
} from '../../electron/desktop/recent-sessions.js';

describe('recent sessions', () => {
  it('puts the newest first, once, and keeps ten', () => {
    let list: string[] = [];
    for (let i = 0; i < 12; i++) list = addRecentSession(list, `/s/${i}.ndjson`);
    expect(list).toHaveLength(MAX_RECENT_SESSIONS);
    expect(list[0]).toBe('/s/11.ndjson');
    list = addRecentSession(list, '/s/5.ndjson');
    expect(list.slice(0, 2)).toEqual(['/s/5.ndjson', '/s/11.ndjson']);
    expect(list.filter((file) => file === '/s/5.ndjson')).toHaveLength(1);
    expect(removeRecentSession(list, '/s/5.ndjson')).not.toContain('/s/5.ndjson');
  });

  it('reads a broken or foreign file as an empty list', () => {
    for (const text of ['', '{', '{"a": 1}', '[1, 2]', '[""]']) expect(parseRecentSessions(text), text).toEqual([]);
  });

  it('round-trips through its file, and a missing file is empty', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-recent-')), 'nested', 'recent-sessions.json');
    expect(loadRecentSessions(file)).toEqual([]);
    saveRecentSessions(file, ['/a.ndjson', '/b.ndjson']);
    expect(loadRecentSessions(file)).toEqual(['/a.ndjson', '/b.ndjson']);
  });
});
