/** The `toolscope` command line. */
import { Command, CommanderError, Option } from 'commander';
import { appVersion } from '../app-paths.js';
import { exportCommand, type ExportFlags } from './export-command.js';
import { importCommand, type ImportFlags } from './import-command.js';
import { replayCommand, type ReplayFlags } from './replay-command.js';
import { reportCommand, type ReportFlags } from './report-command.js';
import { serveCommand, type ServeFlags } from './serve-command.js';
import { UsageError } from './usage-error.js';

const program = new Command()
  .name('toolscope')
  .description('Proxy and inspector for the function calls of voice AI bots')
  .version(appVersion)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program
  .command('serve')
  .description('run the proxy and the browser UI without the desktop app')
  .option('--route <LISTEN=UPSTREAM>', 'forward a local port to an upstream, e.g. 7801=http://127.0.0.1:8000 (repeatable)', collect, [])
  .option('--config <FILE>', 'a toolscope.config.json: routes, latency budget, known bot config, tools')
  .option('--session <FILE>', 'write the session to this file (default: ~/.toolscope/sessions/…)')
  .option('--ui-port <N>', 'port of the browser UI (0 picks a free one)', '7800')
  .option('--host <ADDR>', 'address the browser UI listens on', '127.0.0.1')
  .option('--timeout <MS>', 'how long to wait for an upstream response head before answering 504')
  .option('--memory-mb <MB>', 'how much of the session to keep in memory for the UI (default 256); the session file gets everything')
  .addOption(new Option('--no-open', 'do not open a browser'))
  .action(async (flags: ServeFlags) => {
    await serveCommand(flags);
  });

program
  .command('report')
  .description('print the function calls and findings of a session file, HAR file, SSE stream or JSON payload')
  .argument('<FILE>', 'a session file (.ndjson), a HAR file, a raw SSE stream, or one JSON message')
  .option('--json', 'print {"calls": [...], "findings": [...]} as JSON')
  .option('--budget <MS>', 'latency budget for call/slow-result (default 1500)')
  .option('--config <FILE>', 'a toolscope.config.json: latency budget, known bot config, tool definitions')
  .action(async (file: string, flags: ReportFlags) => {
    // Exit 1 when there is an error finding, so CI can fail on it.
    process.exitCode = await reportCommand(file, flags);
  });

program
  .command('export')
  .description('write a session file as a HAR 1.2 file, with secrets redacted')
  .argument('<FILE>', 'a session file (.ndjson)')
  .requiredOption('--har <OUT>', 'the HAR file to write')
  .addOption(new Option('--no-redact', 'keep secrets (headers, cookies, query parameters, JSON paths) as captured'))
  .option('--config <FILE>', 'a toolscope.config.json whose "redaction" rules are added to the defaults')
  .action(async (file: string, flags: ExportFlags) => {
    await exportCommand(file, flags);
  });

program
  .command('import')
  .description('write a HAR file (Chrome, Firefox, HTTP Toolkit, Toolscope) as a Toolscope session file')
  .argument('<HAR>', 'a HAR 1.2 file')
  .requiredOption('--session <OUT>', 'the session file to write (.ndjson)')
  .option('--force', 'overwrite OUT when it exists')
  .action((file: string, flags: ImportFlags) => {
    importCommand(file, flags);
  });

program
  .command('replay')
  .description('send the webhook calls of a session file again and compare each answer with the captured one')
  .argument('<FILE>', 'a session file (.ndjson)')
  .option('--against <URL>', 'send to this origin instead of the captured upstream (path and query are kept)')
  .option('--function <NAME>', 'only the calls of this function')
  .option('--ignore <PATH>', 'a JSON path left out of both answers, e.g. updatedAt, $.meta.id, items[*].id (repeatable)', collect, [])
  .option('--timeout <MS>', 'how long one call may take, answer included (default 10000)')
  .option('--config <FILE>', 'a toolscope.config.json whose "replay.ignore" paths are added')
  .option('--json', 'print {"calls": [...], "summary": {...}} as JSON')
  .action(async (file: string, flags: ReplayFlags) => {
    // Exit 1 when any call differs or failed, so CI can fail on a backend that changed its answers.
    process.exitCode = await replayCommand(file, flags);
  });

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version print themselves and exit 0; everything else is a usage error.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof UsageError) {
    process.stderr.write(`toolscope: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`toolscope: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
