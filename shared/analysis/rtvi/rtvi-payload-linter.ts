/**
 * Checks of RTVI 0.x `update-config` and `action` payloads (the `data` of the message): the shapes Daily Bots and
 * Pipecat's RTVI 0.2/0.3 processor accept, and what they do with the rest. Used for Daily's streamed webhook
 * answers (where nothing ever reports an error back) and for RTVI messages on a WebSocket.
 *
 * How they fail (shared/protocols/01-daily-bots-webhook-tools.md): the whole message is validated first, so a
 * shape error drops all of it; then services and their options are applied in order, and an unknown service
 * or option raises mid-loop, so what came before it is applied and everything after it is skipped. Option
 * values are never type-checked: `"false"` reaches the service as a non-empty (truthy) string.
 */
import type { FindingDraft, Severity } from '../model.js';
import { isRecord } from '../model.js';
import { childPath } from '../tools/json-path.js';
import { arrayField, describeValue, field, has, nearest, quote, quoteList } from '../webhooks/payload-values.js';

/** A finding about a payload; the caller knows the event and adds `seq` (and may prefix `path`). */
export type RtviFindingDraft = Omit<FindingDraft, 'seq'>;

export interface KnownServiceConfig {
  service: string;
  options: ReadonlyArray<{ name: string; value?: unknown }>;
}

/** The bot's config as `/bots/start` had it in `config` (or `toolscope.config.json` says): an ordered list of services. */
export type KnownBotConfig = readonly KnownServiceConfig[];

type ValueKind = 'string' | 'number' | 'bool' | 'array' | 'object' | 'any';

/**
 * Services and options that Daily Bots-era RTVI bots register (Pipecat's RTVI 0.2/0.3 service registrations, and
 * Daily Bots' configuration docs), with the type each value conventionally has. A bot config given by the user
 * is checked against this list joined with its own services and options, because `/bots/start` sets only some
 * of the options a service has.
 */
const SERVICE_CATALOGUE: Readonly<Record<string, Readonly<Record<string, ValueKind>>>> = {
  vad: { params: 'object' },
  llm: {
    model: 'string',
    temperature: 'number',
    top_p: 'number',
    top_k: 'number',
    frequency_penalty: 'number',
    presence_penalty: 'number',
    max_tokens: 'number',
    seed: 'number',
    extra: 'object',
    initial_messages: 'array',
    messages: 'array',
    tools: 'array',
    run_on_config: 'bool',
  },
  tts: {
    model: 'string',
    voice: 'string',
    language: 'string',
    text_filter: 'object',
    // The speed handler converts numeric strings itself.
    speed: 'any',
    emotion: 'array',
    optimize_streaming_latency: 'any',
    stability: 'number',
    similarity_boost: 'number',
    use_speaker_boost: 'bool',
  },
  stt: { model: 'string', language: 'string' },
};

interface ActionSpec {
  /** Arguments the handler reads by name: without them it fails. */
  required: readonly string[];
  /** Arguments it also knows, with their conventional types. */
  known: Readonly<Record<string, ValueKind>>;
  /** What the action does, for messages. */
  what: string;
}

/** The actions Daily Bots documents for RTVI 0.x bots, as `service:action`. */
export const KNOWN_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  'llm:function_result': {
    // Pipecat's function-result model (RTVILLMFunctionCallResultData) requires all four.
    required: ['function_name', 'tool_call_id', 'arguments', 'result'],
    known: { function_name: 'string', tool_call_id: 'string', arguments: 'object', result: 'any' },
    what: 'the function result never reaches the LLM',
  },
  'llm:append_to_messages': {
    required: ['messages'],
    known: { messages: 'array', run_immediately: 'bool' },
    what: 'the messages are not added',
  },
  'llm:set_context': { required: [], known: { messages: 'array', tools: 'array', run_immediately: 'bool' }, what: 'the context is not changed' },
  'llm:get_context': { required: [], known: {}, what: 'nothing is returned' },
  'llm:run': { required: [], known: { interrupt: 'bool' }, what: 'the LLM is not run' },
  'tts:say': { required: ['text'], known: { text: 'string', interrupt: 'bool', save: 'bool' }, what: 'nothing is said' },
  'tts:interrupt': { required: [], known: {}, what: 'the bot keeps talking' },
};

/**
 * Reads a known bot config given in any form a user may write it: the list itself, or a whole `/bots/start` body
 * with the list under `config`. Entries that are not `{service, options: [{name}]}` are left out.
 */
export function normaliseKnownConfig(input: unknown): KnownBotConfig | undefined {
  const list = Array.isArray(input) ? input : arrayField(input, 'config');
  if (!list) return undefined;
  const services: KnownServiceConfig[] = [];
  for (const entry of list) {
    const service = field(entry, 'service');
    if (typeof service !== 'string') continue;
    const options = arrayField(entry, 'options') ?? [];
    const named: { name: string; value?: unknown }[] = [];
    for (const option of options) {
      const name = field(option, 'name');
      if (typeof name === 'string') named.push(has(option, 'value') ? { name, value: field(option, 'value') } : { name });
    }
    services.push({ service, options: named });
  }
  return services;
}

export interface RtviLintOptions {
  /** Prefix of every finding's `path`, e.g. `data` when the payload is the `data` of an RTVI message. */
  basePath?: string;
  /**
   * Without a known bot config, still check services and options against those Daily Bots bots register, as
   * warnings (the user's bot may have more). For Daily's webhooks, whose bots run Daily's hosted services; not
   * for Pipecat bots on a WebSocket, which register whatever services their author wrote.
   */
  dailyServices?: boolean;
}

/**
 * Checks an `update-config` payload `{config: [{service, options: [{name, value}]}], interrupt?}`: its shape, the
 * value types, and, with a known bot config, its services and options. Never throws.
 */
export function lintUpdateConfig(data: unknown, knownConfig: KnownBotConfig | undefined, options: RtviLintOptions | string = {}): RtviFindingDraft[] {
  const out: RtviFindingDraft[] = [];
  try {
    const { basePath, dailyServices } = lintOptions(options);
    updateConfigInto(out, data, Array.isArray(knownConfig) ? knownConfig : undefined, basePath, dailyServices);
  } catch {
    // Every field is checked before use; this keeps an unforeseen input from stopping the analysis.
  }
  return out;
}

/** Checks an `action` payload `{service, action, arguments?: [{name, value}]}`. Never throws. */
export function lintAction(data: unknown, options: Pick<RtviLintOptions, 'basePath'> | string = {}): RtviFindingDraft[] {
  const out: RtviFindingDraft[] = [];
  try {
    actionInto(out, data, lintOptions(options).basePath);
  } catch {
    // As above.
  }
  return out;
}

/** Options may also be given as the base path alone. */
function lintOptions(options: RtviLintOptions | string | undefined): { basePath: string; dailyServices: boolean } {
  if (typeof options === 'string') return { basePath: options, dailyServices: false };
  return {
    basePath: typeof options?.basePath === 'string' ? options.basePath : '',
    dailyServices: options?.dailyServices === true,
  };
}

export interface ActionReading {
  /** `service:action`, when both are strings. */
  name: string | null;
  /** Arguments by name when `arguments` is a list of `{name, value}`; null when it is not (the bot rejects the action). */
  args: Map<string, unknown> | null;
  /** True when the payload has the shape the bot accepts (the action runs if it is registered). */
  valid: boolean;
}

/** What an action payload asks for, read the way the bot reads it. Never throws. */
export function readAction(data: unknown): ActionReading {
  try {
    const service = field(data, 'service');
    const action = field(data, 'action');
    const name = typeof service === 'string' && typeof action === 'string' ? `${service}:${action}` : null;
    const rawArgs = field(data, 'arguments');
    let args: Map<string, unknown> | null = new Map();
    let valid = name !== null;
    if (rawArgs !== undefined && rawArgs !== null) {
      if (!Array.isArray(rawArgs)) {
        args = null;
        valid = false;
      } else {
        for (const arg of rawArgs) {
          const argName = field(arg, 'name');
          if (typeof argName !== 'string' || !has(arg, 'value')) {
            valid = false;
            continue;
          }
          // Later duplicates win, as in a dict comprehension.
          args.set(argName, field(arg, 'value'));
        }
      }
    }
    return { name, args, valid };
  } catch {
    return { name: null, args: null, valid: false };
  }
}

// ---------------------------------------------------------------------------------------------------------
// update-config

const WHOLE_UPDATE_DROPPED = 'The bot rejects the whole update-config and applies none of it';

function updateConfigInto(out: RtviFindingDraft[], data: unknown, known: KnownBotConfig | undefined, base: string, dailyServices: boolean): void {
  const add = (rule: string, severity: Severity, message: string, path: string) => out.push({ rule, severity, message, path });
  if (!isRecord(data)) {
    add(
      'rtvi/update-config-not-object',
      'error',
      `This update-config payload is ${describeValue(data)}, not an object {"config": [{"service", "options": [{"name", "value"}]}]}. ` +
        `${WHOLE_UPDATE_DROPPED}. Send {"config": [...]}.`,
      base,
    );
    return;
  }
  const configPath = childPath(base, 'config');
  const config = field(data, 'config');
  if (!Array.isArray(config)) {
    const hint = isRecord(config)
      ? ' It is an object; the config is a list because the bot applies it in order: [{"service": "tts", "options": [...]}].'
      : has(data, 'service')
        ? ' The payload looks like one service entry without the {"config": [...]} around it.'
        : '';
    add(
      'rtvi/config-not-list',
      'error',
      `This update-config has ${config === undefined ? 'no "config"' : `"config" as ${describeValue(config)}`}, not a list of services.${hint} ` +
        `${WHOLE_UPDATE_DROPPED}.`,
      config === undefined ? base : configPath,
    );
    return;
  }

  const interrupt = field(data, 'interrupt');
  if (interrupt !== undefined && typeof interrupt !== 'boolean') {
    add(
      'rtvi/suspicious-value-type',
      'warning',
      `"interrupt" is ${describeValue(interrupt)}, not true or false. ${
        typeof interrupt === 'string' ? 'A string is converted loosely (and "false" is truthy to most code); ' : 'The bot may reject the update-config; '
      }send a JSON boolean.`,
      childPath(base, 'interrupt'),
    );
  }

  const knownServices = knownServiceMap(known, known !== undefined || dailyServices);
  // Shape problems drop the whole message, so they are reported first and the apply order is described only for valid messages.
  let shapeOk = true;
  config.forEach((entry, i) => {
    const entryPath = childPath(configPath, i);
    if (!isRecord(entry)) {
      shapeOk = false;
      add(
        'rtvi/config-entry-not-object',
        'error',
        `Entry ${i} of "config" is ${describeValue(entry)}, not {"service": ..., "options": [...]}. ${WHOLE_UPDATE_DROPPED}.`,
        entryPath,
      );
      return;
    }
    const service = field(entry, 'service');
    if (typeof service !== 'string' || service === '') {
      shapeOk = false;
      const options = arrayField(entry, 'options');
      const fits = options ? servicesFitting(options, knownServices) : [];
      add(
        'rtvi/missing-service',
        'error',
        `Entry ${i} of "config" has ${service === undefined ? 'no "service"' : `"service" as ${describeValue(service)}`}, so the bot cannot tell which service ` +
          `its options are for. ${WHOLE_UPDATE_DROPPED}, and nothing reports the error back. Add "service"${fits.length > 0 && fits.length <= 3 ? ` (its options fit ${oneOf(fits)})` : ''}.`,
        service === undefined ? entryPath : childPath(entryPath, 'service'),
      );
    }
    const options = field(entry, 'options');
    const optionsPath = childPath(entryPath, 'options');
    if (!Array.isArray(options)) {
      shapeOk = false;
      const asList = isRecord(options)
        ? ` Write it as a list: ${listExample(Object.keys(options).slice(0, 3).map((name) => ({ name, value: field(options, name) })))}.`
        : ' Write it as a list: [{"name": "voice", "value": "..."}].';
      add(
        'rtvi/options-not-list',
        'error',
        `"options" of ${serviceLabel(service, i)} is ${describeValue(options)}, not a list of {"name", "value"} pairs. ${WHOLE_UPDATE_DROPPED}.${asList}`,
        options === undefined ? entryPath : optionsPath,
      );
      return;
    }
    options.forEach((option, j) => {
      const optionPath = childPath(optionsPath, j);
      if (!isRecord(option)) {
        shapeOk = false;
        add(
          'rtvi/option-not-object',
          'error',
          `Option ${j} of ${serviceLabel(service, i)} is ${describeValue(option)}, not {"name": ..., "value": ...}. ${WHOLE_UPDATE_DROPPED}.`,
          optionPath,
        );
        return;
      }
      const name = field(option, 'name');
      if (typeof name !== 'string') {
        shapeOk = false;
        const keys = Object.keys(option).filter((k) => k !== 'value');
        const hint = keys.length === 1 ? ` It looks like {${quote(keys[0]!)}: ...}; write {"name": ${quote(keys[0]!)}, "value": ...}.` : '';
        add(
          'rtvi/option-missing-name',
          'error',
          `Option ${j} of ${serviceLabel(service, i)} has ${name === undefined ? 'no "name"' : `"name" as ${describeValue(name)}`}. ${WHOLE_UPDATE_DROPPED}.${hint}`,
          name === undefined ? optionPath : childPath(optionPath, 'name'),
        );
        return;
      }
      if (!has(option, 'value')) {
        shapeOk = false;
        add(
          'rtvi/option-missing-value',
          'error',
          `Option ${quote(name)} of ${serviceLabel(service, i)} has no "value" (the field is required, even when null). ${WHOLE_UPDATE_DROPPED}.`,
          optionPath,
        );
        return;
      }
      const kind = conventionalOptionKind(typeof service === 'string' ? service : null, name, knownServices);
      const suspicion = kind ? valueSuspicion(field(option, 'value'), kind) : null;
      if (kind && suspicion) {
        add(
          'rtvi/suspicious-value-type',
          'warning',
          `Option ${quote(name)} of ${serviceLabel(service, i)} is ${suspicion}. The bot does not check option types: the value reaches the ` +
            `service as it is, and fails there later or is misread. Send a JSON ${kindName(kind)}.`,
          childPath(optionPath, 'value'),
        );
      }
    });
  });

  if (shapeOk && (known !== undefined || dailyServices)) {
    checkAgainstKnownConfig(add, config as Record<string, unknown>[], knownServices, configPath, known !== undefined);
  }
}

function serviceLabel(service: unknown, index: number): string {
  return typeof service === 'string' && service !== '' ? `service ${quote(service)}` : `config entry ${index}`;
}

function listExample(pairs: { name: string; value: unknown }[]): string {
  const items = pairs.map(({ name, value }) => {
    const shown = typeof value === 'string' ? quote(value, 24) : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '...';
    return `{"name": ${quote(name, 30)}, "value": ${shown}}`;
  });
  return `[${items.join(', ')}${pairs.length === 0 ? '{"name": "voice", "value": "..."}' : ''}]`;
}

/** service -> option name -> value kind, from the catalogue joined with the user's config. */
type ServiceMap = Map<string, { options: Map<string, ValueKind>; catalogued: boolean; inConfig: boolean }>;

function knownServiceMap(known: KnownBotConfig | undefined, withCatalogue: boolean): ServiceMap {
  const map: ServiceMap = new Map();
  if (!withCatalogue) return map;
  for (const [service, options] of Object.entries(SERVICE_CATALOGUE)) {
    map.set(service, { options: new Map(Object.entries(options)), catalogued: true, inConfig: false });
  }
  if (!Array.isArray(known)) return map;
  for (const entry of known) {
    const service = field(entry, 'service');
    if (typeof service !== 'string') continue;
    const current = map.get(service) ?? { options: new Map<string, ValueKind>(), catalogued: false, inConfig: true };
    current.inConfig = true;
    for (const option of arrayField(entry, 'options') ?? []) {
      const name = field(option, 'name');
      if (typeof name !== 'string') continue;
      // The type of the value the user's own config sets is the best guess of what the service wants.
      const kind = has(option, 'value') ? kindOf(field(option, 'value')) : 'any';
      if (!current.options.has(name) || current.options.get(name) === 'any') current.options.set(name, kind);
    }
    map.set(service, current);
  }
  return map;
}

function conventionalOptionKind(service: string | null, name: string, known: ServiceMap): ValueKind | null {
  if (service === null) return null;
  const fromKnown = known.get(service)?.options.get(name);
  if (fromKnown) return fromKnown;
  return SERVICE_CATALOGUE[service]?.[name] ?? null;
}

function kindOf(value: unknown): ValueKind {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  if (isRecord(value)) return 'object';
  return 'any';
}

function kindName(kind: ValueKind): string {
  return kind === 'bool' ? 'boolean (true or false)' : kind === 'array' ? 'list' : kind;
}

/** Why a value looks like the wrong type for an option or argument conventionally of `kind`, or null. */
function valueSuspicion(value: unknown, kind: ValueKind): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (kind === 'number' && text !== '' && Number.isFinite(Number(text))) {
    return `the string ${quote(value)}, where a number is expected`;
  }
  if (kind === 'bool' && /^(true|false)$/i.test(text)) {
    return `the string ${quote(value)}, where a boolean is expected${text.toLowerCase() === 'false' ? ' (and a non-empty string counts as true, so "false" turns the option on)' : ''}`;
  }
  return null;
}

/** The services that have every option the entry names, to suggest when its service is missing or unknown. */
function servicesFitting(options: unknown[], known: ServiceMap): string[] {
  const names = options.map((o) => field(o, 'name')).filter((n): n is string => typeof n === 'string');
  if (names.length === 0) return [];
  const pool: [string, ReadonlySet<string>][] =
    known.size > 0
      ? [...known].map(([service, entry]) => [service, new Set(entry.options.keys())])
      : Object.entries(SERVICE_CATALOGUE).map(([service, opts]) => [service, new Set(Object.keys(opts))]);
  return pool.filter(([, opts]) => names.every((n) => opts.has(n))).map(([service]) => service);
}

function oneOf(services: string[]): string {
  return services.length === 1 ? quote(services[0]!) : `one of ${quoteList(services)}`;
}

function checkAgainstKnownConfig(
  add: (rule: string, severity: Severity, message: string, path: string) => void,
  config: Record<string, unknown>[],
  known: ServiceMap,
  configPath: string,
  /** True when checked against the user's bot config; false when only against Daily's usual services (so: warnings). */
  exact: boolean,
): void {
  const hedge = exact
    ? ''
    : ' (Checked against the services Daily Bots bots usually have; give Toolscope your bot config to check it exactly.)';
  const appliedServices: string[] = [];
  for (let i = 0; i < config.length; i++) {
    const entry = config[i]!;
    const service = field(entry, 'service') as string;
    const entryPath = childPath(configPath, i);
    const laterServices = config.slice(i + 1).map((e) => field(e, 'service') as string);
    const knownService = known.get(service);
    if (!knownService) {
      const guess = nearest(service, known.keys());
      const fits = servicesFitting(field(entry, 'options') as unknown[], known);
      const applied = appliedServices.length > 0 ? `applies the services before it (${quoteList(appliedServices)}), then ` : '';
      const skipped = laterServices.length > 0 ? ` and the services after it (${quoteList(laterServices)})` : '';
      add(
        'rtvi/unknown-service',
        exact ? 'error' : 'warning',
        `${quote(service)} is not a service ${exact ? 'the bot has' : 'Daily Bots bots have'} (known: ${quoteList([...known.keys()], 8)}). ` +
          `${exact ? 'The bot' : 'If yours does not have it either, the bot'} ${applied}fails on this one and skips it${skipped}, and on a webhook nothing ` +
          `reports the error. ${
            guess ? `Did you mean ${quote(guess)}?` : fits.length > 0 && fits.length <= 3 ? `Its options fit ${oneOf(fits)}.` : 'Use one of the known services.'
          }${hedge}`,
        childPath(entryPath, 'service'),
      );
      return;
    }
    const options = field(entry, 'options') as Record<string, unknown>[];
    const optionNames = options.map((o) => field(o, 'name') as string);
    for (let j = 0; j < options.length; j++) {
      const name = optionNames[j]!;
      if (knownService.options.has(name)) continue;
      const guess = nearest(name, knownService.options.keys());
      const before = optionNames.slice(0, j);
      const after = optionNames.slice(j + 1);
      const applied =
        before.length > 0 || appliedServices.length > 0
          ? `applies ${[
              ...(appliedServices.length > 0 ? [`the services before it (${quoteList(appliedServices)})`] : []),
              ...(before.length > 0 ? [`the options before it (${quoteList(before)})`] : []),
            ].join(' and ')}, then fails on this one`
          : 'fails on this option before applying anything';
      const rest = [
        ...(after.length > 0 ? [`the rest of ${quote(service)} (${quoteList(after)})`] : []),
        ...(laterServices.length > 0 ? [`the services after it (${quoteList(laterServices)})`] : []),
      ];
      const skipped = rest.length > 0 ? ` and skips ${rest.join(' and ')}` : '';
      // The user's config sets only some options of a service, so for a service Toolscope knows nothing else about,
      // an unlisted option may still exist; a near miss of a known name is almost surely a typo.
      const severity: Severity = exact && (knownService.catalogued || guess) ? 'error' : 'warning';
      add(
        'rtvi/unknown-option',
        severity,
        `${quote(name)} is not an option of the service ${quote(service)} (known: ${quoteList([...knownService.options.keys()], 8)}). ` +
          `${exact ? 'The bot' : 'If your bot does not have it either, the bot'} ${applied}${skipped}: a partial update that nothing reports on a webhook. ` +
          `${guess ? `Did you mean ${quote(guess)}?` : 'Remove it or use a known option.'}${hedge}`,
        childPath(childPath(childPath(entryPath, 'options'), j), 'name'),
      );
      return;
    }
    appliedServices.push(service);
  }
}

// ---------------------------------------------------------------------------------------------------------
// action

const ACTION_DROPPED = 'The bot rejects the action without running it';

function actionInto(out: RtviFindingDraft[], data: unknown, base: string): void {
  const add = (rule: string, severity: Severity, message: string, path: string) => out.push({ rule, severity, message, path });
  if (!isRecord(data)) {
    add(
      'rtvi/action-not-object',
      'error',
      `This action payload is ${describeValue(data)}, not an object {"service", "action", "arguments": [{"name", "value"}]}. ${ACTION_DROPPED}.`,
      base,
    );
    return;
  }
  const service = field(data, 'service');
  const action = field(data, 'action');
  const fullName = typeof service === 'string' && typeof action === 'string' ? `${service}:${action}` : null;
  const spec = fullName ? KNOWN_ACTIONS[fullName] : undefined;
  const consequence = spec ? ` (so ${spec.what})` : '';

  if (typeof service !== 'string' || service === '') {
    const split = typeof action === 'string' && action.includes(':') ? ` "action" is ${quote(action)}: split it into "service": ${quote(action.split(':')[0]!)} and "action": ${quote(action.split(':').slice(1).join(':'))}.` : '';
    add(
      'rtvi/missing-service',
      'error',
      `This action has ${service === undefined ? 'no "service"' : `"service" as ${describeValue(service)}`}. ${ACTION_DROPPED}.${split}`,
      service === undefined ? base : childPath(base, 'service'),
    );
  }
  if (typeof action !== 'string' || action === '') {
    add(
      'rtvi/missing-action',
      'error',
      `This action has ${action === undefined ? 'no "action"' : `"action" as ${describeValue(action)}`}, so the bot does not know what to do. ${ACTION_DROPPED}.`,
      action === undefined ? base : childPath(base, 'action'),
    );
  }

  const args = field(data, 'arguments');
  const argsPath = childPath(base, 'arguments');
  let shapeOk = typeof service === 'string' && service !== '' && typeof action === 'string' && action !== '';
  const named = new Map<string, { value: unknown; path: string }>();
  if (args !== undefined && args !== null && !Array.isArray(args)) {
    shapeOk = false;
    const asList = isRecord(args)
      ? ` Write it as a list: ${listExample(Object.keys(args).slice(0, 3).map((name) => ({ name, value: field(args, name) })))}.`
      : '';
    add(
      'rtvi/arguments-not-list',
      'error',
      `"arguments" of this ${fullName ? quote(fullName) : ''} action is ${describeValue(args)}, not a list of {"name", "value"} pairs. ${ACTION_DROPPED}${consequence}.${asList}`,
      argsPath,
    );
  } else if (Array.isArray(args)) {
    args.forEach((arg, k) => {
      const argPath = childPath(argsPath, k);
      if (!isRecord(arg)) {
        shapeOk = false;
        add('rtvi/argument-not-object', 'error', `Argument ${k} is ${describeValue(arg)}, not {"name": ..., "value": ...}. ${ACTION_DROPPED}${consequence}.`, argPath);
        return;
      }
      const name = field(arg, 'name');
      if (typeof name !== 'string') {
        shapeOk = false;
        const keys = Object.keys(arg).filter((key) => key !== 'value');
        const hint = keys.length === 1 ? ` It looks like {${quote(keys[0]!)}: ...}; write {"name": ${quote(keys[0]!)}, "value": ...}.` : '';
        add(
          'rtvi/argument-missing-name',
          'error',
          `Argument ${k} has ${name === undefined ? 'no "name"' : `"name" as ${describeValue(name)}`}. ${ACTION_DROPPED}${consequence}.${hint}`,
          name === undefined ? argPath : childPath(argPath, 'name'),
        );
        return;
      }
      if (!has(arg, 'value')) {
        shapeOk = false;
        add(
          'rtvi/argument-missing-value',
          'error',
          `Argument ${quote(name)} has no "value" (the field is required, even when null). ${ACTION_DROPPED}${consequence}.`,
          argPath,
        );
        return;
      }
      named.set(name, { value: field(arg, 'value'), path: childPath(argPath, 'value') });
    });
  }

  if (!fullName) return;
  if (!spec) {
    const suggestion = nearest(fullName, Object.keys(KNOWN_ACTIONS), Math.max(2, Math.floor(fullName.length / 3)));
    add(
      'rtvi/unknown-action',
      'error',
      `${quote(fullName)} is not an action the bot has (known: ${quoteList(Object.keys(KNOWN_ACTIONS), 7)}). The bot cannot run it, and a webhook ` +
        `action has no request id to send the error to, so it fails silently (and may stall the bot's action queue). ` +
        (suggestion ? `Did you mean ${quote(suggestion)}?` : 'Use a known action.'),
      childPath(base, 'action'),
    );
    return;
  }
  if (!shapeOk) return;

  const missing = spec.required.filter((name) => !named.has(name));
  if (missing.length > 0) {
    add(
      'rtvi/missing-argument',
      'error',
      `The ${quote(fullName)} action has no ${quoteList(missing)} argument${missing.length > 1 ? 's' : ''}; its handler needs ${missing.length > 1 ? 'them' : 'it'}, ` +
        `so it fails${consequence}. Add ${missing.map((m) => `{"name": ${quote(m)}, "value": ...}`).join(', ')} to "arguments".`,
      args === undefined || args === null ? base : argsPath,
    );
  }
  for (const [name, { value, path }] of named) {
    const kind = spec.known[name];
    if (kind === undefined) {
      const guess = nearest(name, Object.keys(spec.known));
      add(
        'rtvi/unknown-argument',
        'warning',
        `The ${quote(fullName)} action has no argument ${quote(name)} (it knows ${Object.keys(spec.known).length > 0 ? quoteList(Object.keys(spec.known)) : 'none'}); ` +
          `the bot ignores it. ${guess ? `Did you mean ${quote(guess)}?` : 'Remove it.'}`,
        path.replace(/\.value$/, '.name'),
      );
      continue;
    }
    const suspicion = valueSuspicion(value, kind);
    if (suspicion) {
      add(
        'rtvi/suspicious-value-type',
        'warning',
        `Argument ${quote(name)} of ${quote(fullName)} is ${suspicion}. The bot passes it on unchecked, so it is misread or fails later. Send a JSON ${kindName(kind)}.`,
        path,
      );
    }
  }
}
