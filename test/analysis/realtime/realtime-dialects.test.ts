/**
 * The realtime dialects together: each fixture is claimed by exactly one reader (whatever the order they are
 * tried in), unknown traffic by none, and no input of any kind makes a reader throw, answer differently twice,
 * touch its input, or put a megabyte into a finding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WsDirection } from '../../../shared/events.js';
import type { RealtimeDialect, RealtimeFrameInput, RealtimeFrameReading } from '../../../shared/analysis/model.js';
import { readElevenLabsFrame } from '../../../shared/analysis/realtime/elevenlabs.js';
import { readNavTalkFrame } from '../../../shared/analysis/realtime/navtalk.js';
import { openAiRealtimeDialect, readOpenAiRealtimeFrame } from '../../../shared/analysis/realtime/openai-realtime.js';
import { readRealtimeFrame, realtimeDialects } from '../../../shared/analysis/realtime/realtime-dialects.js';
import { readRtviFrame } from '../../../shared/analysis/realtime/rtvi.js';
import { C2S, S2C, SEQ, fixtureFrame, fixtureNames, fixtureText, frameOf, haveFixtures, whenFixtures } from './realtime-fixtures.js';

const DIRECTIONS: WsDirection[] = [C2S, S2C];

/** The readers without their guard, so a test sees what the guard would hide. */
const RAW_READERS: [string, (frame: RealtimeFrameInput) => RealtimeFrameReading | null][] = [
  ['openai-realtime', readOpenAiRealtimeFrame],
  ['navtalk', readNavTalkFrame],
  ['rtvi', (frame) => readRtviFrame(frame)],
  ['elevenlabs', readElevenLabsFrame],
];

const REALTIME_PREFIXES = ['openai-rt-', 'navtalk-', 'rtvi-', 'elevenlabs-client-'];
const UNPREFIXED_OPENAI = new Set(['navtalk-conversation-item-create-function-call-output.json', 'navtalk-response-create.json']);

function expectedProtocol(name: string): string {
  if (UNPREFIXED_OPENAI.has(name) || name.startsWith('openai-rt-')) return 'openai-realtime';
  if (name.startsWith('navtalk-')) return 'navtalk';
  if (name.startsWith('rtvi-')) return 'rtvi';
  return 'elevenlabs';
}

/**
 * Every reader without its guard on one frame (so a test sees what the guard would hide): none may throw, and
 * what is wrong with each reading is added to `problems`, checked once by the caller (fast: ~50,000 frames).
 */
function readRaw(frame: RealtimeFrameInput, problems: string[]): RealtimeFrameReading[] {
  const readings: RealtimeFrameReading[] = [];
  for (const [protocol, read] of RAW_READERS) {
    const reading = read(frame);
    if (!reading) continue;
    if (reading.protocol !== protocol) problems.push(`${protocol} read as ${reading.protocol}`);
    problems.push(...readingProblems(reading));
    readings.push(reading);
  }
  if (readings.length > 1) problems.push(`claimed by ${readings.map((r) => r.protocol).join(' and ')}: ${JSON.stringify(frame.json).slice(0, 200)}`);
  return readings;
}

/** As readRaw, checked at once, and the guarded dialects must claim the frame the same way. */
function readAll(frame: RealtimeFrameInput): RealtimeFrameReading[] {
  const problems: string[] = [];
  const readings = readRaw(frame, problems);
  expect(problems).toEqual([]);
  const guarded = realtimeDialects().map((d) => d.readFrame(frame));
  expect(guarded.filter((r) => r !== null).map((r) => r!.protocol)).toEqual(readings.map((r) => r.protocol));
  return readings;
}

function readingProblems(reading: RealtimeFrameReading): string[] {
  const problems: string[] = [];
  const at = `${reading.protocol} ${reading.messageType.slice(0, 60)}`;
  if (typeof reading.messageType !== 'string' || reading.messageType.length > 101) problems.push(`${at}: messageType`);
  for (const f of reading.findings) {
    if (f.seq !== SEQ) problems.push(`${at}: ${f.rule} seq ${f.seq}`);
    if (!['error', 'warning', 'info'].includes(f.severity)) problems.push(`${at}: ${f.rule} severity ${f.severity}`);
    if (!f.rule.startsWith(`${prefixOf(reading.protocol)}/`)) problems.push(`${at}: rule ${f.rule}`);
    if (f.message.length > 1_500 || f.message.length < 20) problems.push(`${at}: ${f.rule} message of ${f.message.length} characters`);
    if (f.path !== undefined && f.path.length > 200) problems.push(`${at}: ${f.rule} path of ${f.path.length} characters`);
  }
  for (const tool of reading.toolDefinitions ?? []) if (tool.seq !== SEQ || typeof tool.name !== 'string') problems.push(`${at}: tool ${tool.name}`);
  const start = reading.callStart;
  if (start && start.args !== undefined && start.argsError !== undefined) problems.push(`${at}: args and argsError`);
  if (start && start.argsError !== undefined && typeof start.argsRaw !== 'string') problems.push(`${at}: argsError without argsRaw`);
  if (reading.callResult && typeof reading.callResult.raw !== 'string') problems.push(`${at}: result raw`);
  return problems;
}

function prefixOf(protocol: string): string {
  return protocol === 'openai-realtime' ? 'openai-rt' : protocol;
}

describe.skipIf(!haveFixtures)(whenFixtures('detection over the fixtures'), () => {
  const realtime = fixtureNames(...REALTIME_PREFIXES);

  it('finds the fixtures', () => {
    expect(realtime.length).toBeGreaterThanOrEqual(50);
  });

  it('has exactly one reader claim each realtime fixture, in either direction, whatever the order', () => {
    for (const name of realtime) {
      for (const direction of DIRECTIONS) {
        const frame = fixtureFrame(name, direction);
        const claims = readAll(frame).map((r) => r.protocol);
        expect({ name, claims }).toEqual({ name, claims: [expectedProtocol(name)] });
        const forward = readRealtimeFrame(frame, realtimeDialects());
        expect(readRealtimeFrame(frame, [...realtimeDialects()].reverse())).toEqual(forward);
      }
    }
  });

  it('leaves the other protocols’ JSON fixtures to nobody', () => {
    const others = fixtureNames('').filter((name) => !REALTIME_PREFIXES.some((p) => name.startsWith(p)));
    expect(others.length).toBeGreaterThan(10);
    for (const name of others) {
      const json: unknown = JSON.parse(fixtureText(name));
      if (typeof json !== 'object' || json === null || Array.isArray(json)) continue;
      for (const direction of DIRECTIONS) expect({ name, claims: readAll(frameOf(json as Record<string, unknown>, direction)) }).toEqual({ name, claims: [] });
    }
  });
});

// ---- bad input ------------------------------------------------------------------------------------------

const MIB = 1024 * 1024;
const HUGE = `{"order_number":"${'A'.repeat(10 * MIB)}`;
const HUGE_TYPE = `response.${'x'.repeat(10 * MIB)}`;
const DEEP_TEXT = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const DEEP_OBJECT_TEXT = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
const DEEP = JSON.parse(DEEP_TEXT) as unknown;
const DEEP_OBJECT = JSON.parse(DEEP_OBJECT_TEXT) as unknown;
const GARBAGE = '\u0000\u0001\uFFFD\uD800\uDFFF\u001b[31m\u00ff\u0080PK\u0003\u0004';

/** Values that break assumptions: wrong types, truncated and double-encoded JSON, garbage, prototype names. */
const BAD_VALUES: unknown[] = [
  undefined,
  null,
  0,
  -1.5,
  true,
  '',
  'constructor',
  '__proto__',
  [],
  {},
  [1, 'a', null],
  { constructor: 1, toString: 'x' },
  '{"order_number":"A-2',
  '{"order_number":',
  JSON.stringify(JSON.stringify({ order_number: 'A-20931' })),
  JSON.stringify(JSON.stringify(JSON.stringify({ a: 1 }))),
  GARBAGE,
  'item_123',
];

/** Paths to every value in a JSON value, up to `depth` levels down. */
function paths(value: unknown, depth = 4, prefix: (string | number)[] = []): (string | number)[][] {
  if (depth === 0 || typeof value !== 'object' || value === null) return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...paths((value as Record<string | number, unknown>)[key], depth - 1, [...prefix, key])]);
}

/** A copy of `json` with the value at `path` replaced (or deleted when `value` is undefined). */
function replaced(json: unknown, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(json) as Record<string, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return copy;
}

describe.skipIf(!haveFixtures)(whenFixtures('bad input in every field of every fixture'), () => {
  it('never throws and always reads well-formed readings, claimed by one reader at most', () => {
    const problems: string[] = [];
    for (const name of fixtureNames(...REALTIME_PREFIXES)) {
      const json: unknown = JSON.parse(fixtureText(name));
      for (const path of paths(json)) {
        for (const value of BAD_VALUES) {
          const mutated = replaced(json, path, value);
          for (const direction of DIRECTIONS) readRaw(frameOf(mutated, direction, ''), problems);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('bad input in the fields that carry payloads', () => {
  const frames = (value: unknown): Record<string, unknown>[] => [
    { type: 'session.update', session: { type: 'realtime', tools: value } },
    { type: 'session.updated', session: { tools: [{ type: 'function', name: 'f', parameters: value }] } },
    { type: 'response.function_call_arguments.delta', call_id: 'c', delta: value },
    { type: 'response.function_call_arguments.done', call_id: 'c', name: value, arguments: value },
    { type: 'response.done', response: { status: 'failed', status_details: { error: { message: value } }, output: [{ type: 'function_call', call_id: 'c', arguments: value }] } },
    { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: value, output: value } },
    { type: 'input_audio_buffer.append', audio: value },
    { type: 'error', error: { message: value, code: value, param: value, event_id: value } },
    { type: 'realtime.input_function_call', data: { content: value } },
    { type: 'realtime.input_config', data: { content: value } },
    { type: 'realtime.response.function_call_arguments.done', data: { arguments: value, function_name: value }, raw_data: value },
    { type: 'realtime.function_call_output', data: { call_id: 'c', output: value } },
    { type: 'conversation.connected.fail', message: value },
    { label: 'rtvi-ai', type: 'llm-function-call', data: { tool_call_id: 'c', function_name: 'f', args: value } },
    { label: 'rtvi-ai', type: 'llm-function-call-in-progress', data: { tool_call_id: value, arguments: value } },
    { label: 'rtvi-ai', type: 'llm-function-call-stopped', data: { tool_call_id: 'c', result: value } },
    { label: 'rtvi-ai', type: 'llm-function-call-result', id: 'r', data: { function_name: 'f', tool_call_id: 'c', arguments: {}, result: value } },
    { label: 'rtvi-ai', type: 'update-config', id: 'u', data: value },
    { label: 'rtvi-ai', type: 'action', id: 'a', data: value },
    { label: 'rtvi-ai', type: 'error-response', id: value, data: { error: value } },
    { label: value, type: 'llm-function-call-result', id: 'r', data: {} },
    { type: 'client_tool_call', client_tool_call: { tool_call_id: 'c', tool_name: value, parameters: value } },
    { type: 'client_tool_result', tool_call_id: value, result: value, is_error: value },
    { type: 'client_tool_result', call_id: value, output: value },
    { user_audio_chunk: value },
  ];

  const check = (value: unknown) => {
    for (const json of frames(value)) {
      for (const direction of DIRECTIONS) {
        const readings = readAll(frameOf(json, direction, ''));
        expect(readings.length).toBeLessThanOrEqual(1);
      }
    }
  };

  it('handles 10 MiB strings (and a 10 MiB type) without flooding the findings', () => {
    check(HUGE);
    const reading = readRealtimeFrame(frameOf({ type: HUGE_TYPE }, C2S, ''), realtimeDialects())!;
    expect(reading.messageType.length).toBeLessThanOrEqual(101);
    expect(reading.findings.map((f) => f.rule)).toEqual(['openai-rt/not-a-client-event']);
    const rtvi = readRealtimeFrame(frameOf({ label: 'rtvi-ai', type: HUGE_TYPE.replace('.', '-') }, C2S, ''), realtimeDialects())!;
    expect(rtvi.findings.map((f) => f.rule)).toEqual(['rtvi/missing-id']);
  });

  it('handles JSON nested 10,000 levels deep, as values and as argument strings', () => {
    for (const value of [DEEP, DEEP_OBJECT, DEEP_TEXT, DEEP_OBJECT_TEXT]) check(value);
    const rtvi = readRealtimeFrame(frameOf({ label: 'rtvi-ai', type: 'llm-function-call', data: { tool_call_id: 'c', function_name: 'f', args: DEEP_OBJECT } }, S2C, ''), realtimeDialects())!;
    expect(rtvi.callStart!.callId).toBe('c');
    expect(rtvi.callStart!.args).toBe(DEEP_OBJECT);
    expect(rtvi.callStart!.argsRaw).toContain('nested too deeply');
    const whole = readRealtimeFrame(frameOf({ type: 'session.update', session: DEEP_OBJECT }, C2S, ''), realtimeDialects())!;
    expect(whole.findings.map((f) => f.rule)).toEqual(['openai-rt/session-type-missing']);
  });

  it('handles every wrong type in every payload field', () => {
    for (const value of BAD_VALUES) check(value);
  });

  it('reports only the first refused tools of a long list', () => {
    const reading = readRealtimeFrame(frameOf({ type: 'session.update', session: { type: 'realtime', tools: new Array(100_000).fill(7) } }, C2S, ''), realtimeDialects())!;
    expect(reading.findings.length).toBe(10);
    expect(reading.toolDefinitions).toBeUndefined();
  });

  it('reads a frame that cannot be read as no dialect’s, without throwing', () => {
    const hostile = {
      get type(): string {
        throw new Error('getter');
      },
    };
    const cyclic: Record<string, unknown> = { type: 'client_tool_result', tool_call_id: 't' };
    cyclic.result = cyclic;
    for (const direction of DIRECTIONS) {
      for (const json of [hostile, cyclic] as Record<string, unknown>[]) {
        expect(() => readRealtimeFrame(frameOf(json, direction, ''), realtimeDialects())).not.toThrow();
        for (const dialect of realtimeDialects()) expect(() => dialect.readFrame(frameOf(json, direction, ''))).not.toThrow();
      }
    }
    const throwing: RealtimeDialect = {
      protocol: 'vapi',
      readFrame: () => {
        throw new Error('boom');
      },
    };
    expect(readRealtimeFrame(frameOf({ type: 'response.create' }, C2S), [throwing, openAiRealtimeDialect])!.protocol).toBe('openai-realtime');
    expect(readRealtimeFrame(frameOf({ type: 'response.create' }, C2S), [])).toBeNull();
  });
});

// ---- properties -----------------------------------------------------------------------------------------

const TYPES = [
  'session.update',
  'session.updated',
  'response.done',
  'response.output_item.done',
  'response.function_call_arguments.done',
  'response.function_call_arguments.delta',
  'conversation.item.create',
  'conversation.connected.fail',
  'error',
  'input_audio_buffer.append',
  'realtime.input_function_call',
  'realtime.input_config',
  'realtime.response.function_call_arguments.done',
  'realtime.function_call_output',
  'webrtc.signaling.offer',
  'llm-function-call',
  'llm-function-call-in-progress',
  'llm-function-call-stopped',
  'llm-function-call-result',
  'update-config',
  'error-response',
  'client_tool_call',
  'client_tool_result',
  'audio',
  'ping',
];

const fieldValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string(), fc.constantFrom(...BAD_VALUES.filter((v) => v !== undefined)));
const frameJson = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom(...TYPES), fc.string(), fc.jsonValue({ maxDepth: 1 })),
      label: fc.oneof(fc.constantFrom('rtvi-ai', 'rtvi', 'RTVI-AI', 'other'), fc.jsonValue({ maxDepth: 1 })),
      id: fieldValue,
      data: fc.oneof(fieldValue, fc.dictionary(fc.constantFrom('tool_call_id', 'function_name', 'arguments', 'args', 'result', 'cancelled', 'content', 'call_id', 'output', 'error', 'config'), fieldValue)),
      item: fc.oneof(fieldValue, fc.dictionary(fc.constantFrom('type', 'call_id', 'output', 'name', 'arguments', 'status'), fieldValue)),
      session: fieldValue,
      raw_data: fieldValue,
      client_tool_call: fc.oneof(fieldValue, fc.dictionary(fc.constantFrom('tool_call_id', 'tool_name', 'parameters'), fieldValue)),
      tool_call_id: fieldValue,
      call_id: fieldValue,
      result: fieldValue,
      output: fieldValue,
      arguments: fieldValue,
      error: fieldValue,
      user_audio_chunk: fieldValue,
    },
    { requiredKeys: [] },
  )
  .chain((record) => fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).map((extra) => ({ ...extra, ...record }) as Record<string, unknown>));

describe('properties over random frames', () => {
  it('no reader throws, at most one claims a frame, answers repeat, and the input is left alone', () => {
    fc.assert(
      fc.property(frameJson, fc.constantFrom(...DIRECTIONS), fc.string(), (json, direction, text) => {
        const before = JSON.stringify(json);
        const frame = frameOf(json, direction, text);
        const first = readAll(frame);
        expect(first.length).toBeLessThanOrEqual(1);
        expect(readAll(frame)).toEqual(first);
        expect(readRealtimeFrame(frame, [...realtimeDialects()].reverse())).toEqual(readRealtimeFrame(frame, realtimeDialects()));
        expect(JSON.stringify(json)).toBe(before);
      }),
      { numRuns: 1_500 },
    );
  });

  it('any JSON object and any text read without throwing', () => {
    fc.assert(
      fc.property(fc.json(), fc.constantFrom(...DIRECTIONS), (text, direction) => {
        const json: unknown = JSON.parse(text);
        if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
        const first = readAll(frameOf(json as Record<string, unknown>, direction, text));
        expect(first.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), fc.string(), (json, text) => {
        for (const direction of DIRECTIONS) expect(readAll(frameOf(json, direction, text)).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
