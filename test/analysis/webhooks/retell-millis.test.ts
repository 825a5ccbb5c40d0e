/**
 * Retell custom functions, Millis functions, and the ElevenLabs server tool (which no reader claims): every
 * fixture, and the heuristics that decide when content is enough.
 */
import { describe, expect, it } from 'vitest';
import { createMillisWebhookDialect } from '../../../shared/analysis/webhooks/millis-webhook.js';
import { createRetellCustomFunctionDialect } from '../../../shared/analysis/webhooks/retell-custom-function.js';
import { readWebhookExchange, webhookDialects } from '../../../shared/analysis/webhooks/webhook-dialects.js';
import { exchange, fixtureJson, fixtureText, haveFixtures, parseHttpRequest, problems, rules, whenFixtures } from './webhook-input.js';

const retell = createRetellCustomFunctionDialect();
const SIGNED: [string, string][] = [
  ['content-type', 'application/json'],
  ['x-retell-signature', 'v=1741705200123,d=5f2e…'],
];

describe.skipIf(!haveFixtures)(whenFixtures('Retell fixtures'), () => {
  it('retell-custom-function-request.json answered by retell-custom-function-response.json', () => {
    const reading = retell.analyze(
      exchange({ headers: SIGNED, body: fixtureJson('retell-custom-function-request.json'), response: { body: fixtureText('retell-custom-function-response.json') } }),
    );
    expect(reading).toMatchObject({
      protocol: 'retell',
      findings: [],
      calls: [{ callId: null, name: 'lookup_order', args: { order_number: 'A-20931' }, result: { value: { status: 'shipped', eta: '2025-03-14' }, isError: false, seq: 4 } }],
    });
    expect(reading!.label).toBeUndefined();
    // The full shape is recognised without the signature header too.
    expect(retell.analyze(exchange({ body: fixtureJson('retell-custom-function-request.json') }))?.calls[0]?.name).toBe('lookup_order');
  });

  it('retell-custom-function-request-args-only.json: only with the signature header', () => {
    expect(retell.analyze(exchange({ body: fixtureJson('retell-custom-function-request-args-only.json') }))).toBeNull();
    const reading = retell.analyze(exchange({ headers: SIGNED, body: fixtureJson('retell-custom-function-request-args-only.json') }));
    expect(reading).toMatchObject({ protocol: 'retell', calls: [{ callId: null, name: '', args: { order_number: 'A-20931' } }] });
    expect(rules(reading!.findings)).toEqual(['retell/args-only']);
    expect(problems(reading!.findings)).toEqual([]);
  });
});

describe('Retell rules', () => {
  const request = { name: 'f', call: { call_id: 'call_1' }, args: { a: 1 } };
  it('takes any body as the result, and warns past 15,000 characters', () => {
    const text = retell.analyze(exchange({ body: request, response: { contentType: 'text/plain', body: 'Shipped.' } }))!;
    expect(text.calls[0]!.result).toMatchObject({ value: 'Shipped.', raw: 'Shipped.' });
    const long = retell.analyze(exchange({ body: request, response: { contentType: 'text/plain', body: 'x'.repeat(15_001) } }))!;
    expect(long.findings.map((f) => [f.rule, f.severity])).toEqual([['retell/result-too-long', 'warning']]);
    expect(retell.analyze(exchange({ body: request, response: { body: 'x'.repeat(15_000) } }))!.findings).toEqual([]);
  });

  it('notes retries on failure', () => {
    const failed = retell.analyze(exchange({ body: request, response: { status: 502, body: 'bad gateway' } }))!;
    expect(rules(failed.findings)).toEqual(['retell/retried-on-failure']);
    expect(failed.calls[0]!.result).toBeUndefined();
  });

  it('labels signed event webhooks instead of reading them as calls', () => {
    const reading = retell.analyze(exchange({ headers: SIGNED, body: { event: 'call_ended', call: { call_id: 'call_1' } } }));
    expect(reading).toEqual({ protocol: 'retell', label: 'call_ended', calls: [], findings: [] });
  });

  it('does not claim lookalikes', () => {
    expect(retell.analyze(exchange({ body: { name: 'f', call: 'x', args: {} } }))).toBeNull();
    expect(retell.analyze(exchange({ body: { name: 'f', call: {}, args: {} } }))).toBeNull();
    expect(retell.analyze(exchange({ body: { name: 'f', args: {} } }))).toBeNull();
    expect(retell.analyze(exchange({ headers: SIGNED, body: '[1,2]' }))).toBeNull();
  });
});

describe.skipIf(!haveFixtures)(whenFixtures('Millis fixtures'), () => {
  const millis = createMillisWebhookDialect();

  it('millis-tool-config-webhook.json declares a tool, its params as JSON Schema', () => {
    const reading = millis.analyze(exchange({ url: '/agents/a1', body: fixtureJson('millis-tool-config-webhook.json') }));
    expect(reading).toEqual({
      protocol: 'millis',
      label: 'millis function config',
      calls: [],
      findings: [],
      toolDefinitions: [
        {
          name: 'lookup_order',
          description: 'Look up an order by its number.',
          protocol: 'millis',
          seq: 2,
          parameters: {
            type: 'object',
            properties: { order_number: { type: 'string', description: 'Order number the caller reads out, e.g. A-20931' } },
            required: ['order_number'],
          },
        },
      ],
    });
  });

  it('millis-function-web-form.json declares its one field', () => {
    const reading = millis.analyze(exchange({ body: fixtureJson('millis-function-web-form.json') }));
    expect(reading!.findings).toEqual([]);
    expect(reading!.toolDefinitions).toEqual([
      {
        name: 'open_contact_form',
        description: 'Show a web form so the user can type their email address.',
        protocol: 'millis',
        seq: 2,
        parameters: { type: 'object', properties: { email: { type: 'string', description: "The user's email address" } }, required: ['email'] },
      },
    ]);
  });

  it('millis-tool-config-invalid-json-schema-params.json: params given as JSON Schema', () => {
    const reading = millis.analyze(exchange({ body: fixtureJson('millis-tool-config-invalid-json-schema-params.json') }))!;
    expect(reading.findings.map((f) => [f.rule, f.severity, f.path])).toEqual([['millis/params-not-list', 'error', 'params']]);
    expect(reading.toolDefinitions).toEqual([{ name: 'lookup_order', description: 'Look up an order by its number.', protocol: 'millis', seq: 2 }]);
  });

  it('millis-function-web-form-invalid-params-array.json: data.params instead of data.param', () => {
    const reading = millis.analyze(exchange({ body: fixtureJson('millis-function-web-form-invalid-params-array.json') }))!;
    expect(reading.findings.map((f) => [f.rule, f.severity, f.path])).toEqual([['millis/web-form-params-list', 'error', 'data.params']]);
    expect(reading.toolDefinitions?.[0]?.parameters).toBeUndefined();
  });

  it('millis-webhook-request.json: a call only when the tool config names its URL', () => {
    const body = fixtureJson('millis-webhook-request.json');
    expect(millis.analyze(exchange({ url: '/millis/orders', body }))).toBeNull();
    expect(readWebhookExchange(exchange({ url: '/millis/orders', body }), webhookDialects())).toBeNull();

    const configured = createMillisWebhookDialect({ tools: [fixtureJson('millis-tool-config-webhook.json')] });
    const reading = configured.analyze(exchange({ url: '/millis/orders', body, response: { body: '{"status":"shipped"}' } }));
    expect(reading).toEqual({
      protocol: 'millis',
      findings: [],
      calls: [{ callId: null, name: 'lookup_order', args: { order_number: 'A-20931' }, argsRaw: '{"order_number":"A-20931"}', result: { value: { status: 'shipped' }, raw: '{"status":"shipped"}', isError: false, seq: 4, t: 1050 } }],
    });
    expect(configured.analyze(exchange({ url: '/millis/other', body }))).toBeNull();
    expect(configured.analyze(exchange({ method: 'PUT', url: '/millis/orders', body }))).toBeNull();
    const viaList = readWebhookExchange(exchange({ url: '/millis/orders?x=1', body }), webhookDialects({ millisTools: [fixtureJson('millis-tool-config-webhook.json')] }));
    expect(viaList?.calls[0]?.name).toBe('lookup_order');
  });
});

describe('Millis rules', () => {
  it('reads the functions of an agent config, in the request or in the answer', () => {
    const agent = {
      name: 'Support',
      config: {
        prompt: 'Help',
        tools: [{ name: 'lookup', description: 'L', webhook: 'ftp://x', params: [{ name: 'id', type: 'int', required: 'yes' }] }, { type: 'function', function: { name: 'not_millis' } }],
        millis_functions: [{ name: 'form', type: 'web_form', data: { param: { name: 'email', type: 'string' } } }],
      },
    };
    const posted = createMillisWebhookDialect().analyze(exchange({ url: '/agents', body: agent }))!;
    expect(posted.label).toBe('millis agent config');
    expect(posted.toolDefinitions?.map((t) => [t.name, t.parameters])).toEqual([
      ['lookup', { type: 'object', properties: { id: { type: 'integer' } } }],
      ['form', { type: 'object', properties: { email: { type: 'string' } } }],
    ]);
    expect(posted.findings.map((f) => [f.rule, f.path])).toEqual([
      ['millis/invalid-webhook-url', 'config.tools[0].webhook'],
      ['millis/invalid-param', 'config.tools[0].params[0].required'],
    ]);
    const fetched = createMillisWebhookDialect().analyze(exchange({ method: 'GET', url: '/agents/1', body: null, response: { body: JSON.stringify(agent) } }))!;
    expect(fetched.toolDefinitions?.map((t) => [t.name, t.seq])).toEqual([
      ['lookup', 3],
      ['form', 3],
    ]);
  });

  it('reads a configured GET call from its query, and keeps session_id when the tool excludes it', () => {
    const tools = [
      { name: 'status', webhook: 'https://h.example/status', method: 'GET' },
      { name: 'keep', webhook: 'https://h.example/keep', exclude_session_id: true },
    ];
    const dialect = createMillisWebhookDialect({ tools });
    expect(dialect.analyze(exchange({ method: 'GET', url: '/status?order=A1&session_id=s', body: null }))!.calls[0]!.args).toEqual({ order: 'A1' });
    expect(dialect.analyze(exchange({ url: '/keep', body: { session_id: 's', a: 1 } }))!.calls[0]!.args).toEqual({ session_id: 's', a: 1 });
  });

  it('refuses a URL two tools share', () => {
    const tools = [
      { name: 'a', webhook: 'https://h.example/hook' },
      { name: 'b', webhook: 'https://h.example/hook' },
    ];
    expect(createMillisWebhookDialect({ tools }).analyze(exchange({ url: '/hook', body: { x: 1 } }))).toBeNull();
  });
});

describe.skipIf(!haveFixtures)(whenFixtures('ElevenLabs server tool'), () => {
  it('elevenlabs-server-tool-webhook-request.http is a plain REST call that no reader claims', () => {
    const request = parseHttpRequest(fixtureText('elevenlabs-server-tool-webhook-request.http'));
    const input = exchange({ method: request.method, url: request.url, headers: request.headers, body: request.body, response: { body: '{"eta":"2025-03-14"}' } });
    expect(readWebhookExchange(input, webhookDialects())).toBeNull();
  });
});
