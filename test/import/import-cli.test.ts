/**
 * `toolscope import HAR --session OUT` as a user runs it (the built CLI): the session file it writes reports
 * the same calls as the HAR itself, an existing OUT is kept unless --force, and bad input exits 2 with one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSessionFile } from '../../electron/session/session-reader.js';
import { repoRoot, requireBuiltCli, runCli, tempDir } from '../support/core-process.js';

const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'har');
const fixture = (name: string) => path.join(fixtureDir, name);

describe('toolscope import', () => {
  it.each([
    ['chrome-devtools-websocket.har', '7 entries (6 HTTP, 1 WebSocket)', 1],
    ['firefox-webhook.har', '6 entries (5 HTTP, 1 WebSocket)', 2],
    ['http-toolkit-sse.har', '6 entries (5 HTTP, 1 WebSocket)', 2],
  ])('%s: writes a session that `report` reads with the same calls as the HAR', async (name, counts, calls) => {
    requireBuiltCli();
    const out = path.join(tempDir('import-cli'), 'nested', 'imported.ndjson');
    const run = await runCli(['import', fixture(name), '--session', out]);
    expect(run.code, run.stderr).toBe(0);
    const session = await readSessionFile(out);
    expect(session.warnings).toEqual([]);
    expect(run.stdout).toBe(`wrote ${out}: ${session.events.length} events from ${counts}\n`);

    const fromSession = await runCli(['report', '--json', out]);
    const fromHar = await runCli(['report', '--json', fixture(name)]);
    expect(fromSession.code).toBe(fromHar.code);
    expect(JSON.parse(fromSession.stdout)).toEqual(JSON.parse(fromHar.stdout));
    expect((JSON.parse(fromSession.stdout) as { calls: unknown[] }).calls).toHaveLength(calls);
  });

  it('prints what it read differently as warnings on stderr', async () => {
    requireBuiltCli();
    const out = path.join(tempDir('import-cli'), 'firefox.ndjson');
    const run = await runCli(['import', fixture('firefox-webhook.har'), '--session', out]);
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([
      'toolscope: warning: response bodies not in the file (entry 1): shown as not captured',
      'toolscope: warning: WebSocket connections without messages in the file (entry 2): Firefox does not export them',
      'toolscope: warning: form bodies only as "postData.params" (entry 5): rebuilt as name=value&…, whose escaping may differ from the bytes sent',
    ]);
  });

  it('keeps an existing OUT (exit 2) unless --force', async () => {
    requireBuiltCli();
    const out = path.join(tempDir('import-cli'), 'existing.ndjson');
    fs.writeFileSync(out, 'precious');
    const refused = await runCli(['import', fixture('http-toolkit-sse.har'), '--session', out]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`toolscope: ${out} exists already: choose another name, or add --force to overwrite it\n`);
    expect(fs.readFileSync(out, 'utf8')).toBe('precious');

    const forced = await runCli(['import', fixture('http-toolkit-sse.har'), '--session', out, '--force']);
    expect(forced.code).toBe(0);
    expect((await readSessionFile(out)).events.length).toBeGreaterThan(0);
  });

  it('exits 2 with one line for input it cannot import, and writes nothing', async () => {
    requireBuiltCli();
    const dir = tempDir('import-cli');
    const out = path.join(dir, 'never.ndjson');
    const inputs: [string, string | Buffer, RegExp][] = [
      ['cut.har', fs.readFileSync(fixture('chrome-devtools-websocket.har'), 'utf8').slice(0, 3000), /cut\.har: not valid JSON: the text ends at line \d+, column \d+ before the JSON does/],
      ['empty-object.har', '{}', /empty-object\.har: not a HAR file: it has no "log" object$/],
      ['no-entries.har', '{"log":{}}', /no-entries\.har: not a HAR file: "log\.entries" is missing$/],
      ['random.har', Buffer.from([0, 159, 146, 150, 1, 2, 3, 255, 254]), /random\.har: not valid JSON/],
      ['nothing.har', '{"log":{"entries":[]}}', /nothing\.har: the HAR file has no entries: nothing to import$/],
    ];
    for (const [name, content, message] of inputs) {
      fs.writeFileSync(path.join(dir, name), content);
      const run = await runCli(['import', path.join(dir, name), '--session', out]);
      expect(run.code, name).toBe(2);
      expect(run.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(run.stderr.trim(), name).toMatch(message);
    }
    const missing = await runCli(['import', path.join(dir, 'nope.har'), '--session', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.har: ENOENT/);
    const noOut = await runCli(['import', fixture('firefox-webhook.har')]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("required option '--session <OUT>' not specified");
    expect(fs.existsSync(out)).toBe(false);
  });
});
