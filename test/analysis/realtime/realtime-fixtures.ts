/**
 * Test helpers for the realtime readers: the protocol fixtures as frames travelling one way, and readings in a
 * compact form that tests compare exactly (every field, with each finding as `severity rule path @callId`).
 */
import fs from 'node:fs';
import { expect } from 'vitest';
import type { WsDirection } from '../../../shared/events.js';
import type { FindingDraft, RealtimeFrameInput, RealtimeFrameReading, ToolDefinition } from '../../../shared/analysis/model.js';
import { fixtureDir, fixtureText, haveFixtures } from '../../support/protocol-fixtures.js';

export { fixtureDir, fixtureText, haveFixtures, repoRoot, whenFixtures } from '../../support/protocol-fixtures.js';

export const C2S: WsDirection = 'client-to-upstream';
export const S2C: WsDirection = 'upstream-to-client';
/** Every frame in these tests has this seq, so findings and tool definitions must carry it. */
export const SEQ = 7;

/** Names of the fixture files that start with one of `prefixes`, sorted. */
export function fixtureNames(...prefixes: string[]): string[] {
  if (!haveFixtures) return [];
  return fs
    .readdirSync(fixtureDir)
    .filter((name) => name.endsWith('.json') && prefixes.some((prefix) => name.startsWith(prefix)))
    .sort();
}

export function frameOf(json: Record<string, unknown>, direction: WsDirection, text = JSON.stringify(json) ?? ''): RealtimeFrameInput {
  return { seq: SEQ, t: 1_000, direction, json, text };
}

export function fixtureFrame(name: string, direction: WsDirection): RealtimeFrameInput {
  const text = fixtureText(name);
  return frameOf(JSON.parse(text) as Record<string, unknown>, direction, text);
}

export type Summary = Omit<RealtimeFrameReading, 'findings'> & { findings: string[] };

export function findingLine(f: FindingDraft): string {
  return [f.severity, f.rule, f.path ?? '', f.callId ? `@${f.callId}` : ''].filter((part) => part !== '').join(' ');
}

/** The reading with its findings as lines, after checking what every finding must have. */
export function summarise(reading: RealtimeFrameReading | null): Summary | null {
  if (!reading) return null;
  for (const f of reading.findings) expectWellFormed(f);
  return { ...reading, findings: reading.findings.map(findingLine) };
}

export function expectWellFormed(f: FindingDraft): void {
  expect(f.seq).toBe(SEQ);
  expect(['error', 'warning', 'info']).toContain(f.severity);
  expect(f.rule).toMatch(/^(openai-rt|navtalk|rtvi|elevenlabs)\/[a-z0-9-]+$/);
  expect(f.message.length).toBeGreaterThan(20);
  expect(f.message.length).toBeLessThan(1_200);
  expect(f.message).toMatch(/[.?)]$/);
}

/** The tool every fixture declares: `lookup_order(order_number: string)`. */
export function lookupOrder(protocol: ToolDefinition['protocol']): ToolDefinition {
  return {
    name: 'lookup_order',
    description: 'Look up an order by number',
    parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] },
    protocol,
    seq: SEQ,
  };
}

/** One fixture, the way its message travels, and exactly what its reader must make of it. */
export interface FixtureCase {
  name: string;
  direction: WsDirection;
  expected: Summary;
}
