// `npm run config-schema`: writes schema/toolscope.config.schema.json, the JSON Schema of toolscope.config.json,
// from the zod schema in the built code (run `npm run build:node` first). `--check` writes nothing and exits 1
// when the committed file differs from what the code generates.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = path.join(root, 'dist', 'node', 'electron', 'cli', 'config-file.js');
const target = path.join(root, 'schema', 'toolscope.config.schema.json');
const relativeTarget = path.relative(root, target);

if (!existsSync(built)) {
  console.error(`${path.relative(root, built)} is missing: run \`npm run build:node\` first`);
  process.exit(2);
}
const { configJsonSchemaText } = await import(pathToFileURL(built).href);
const text = configJsonSchemaText();

if (process.argv.includes('--check')) {
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : null;
  if (committed !== text) {
    console.error(`${relativeTarget} is ${committed === null ? 'missing' : 'out of date'}: run \`npm run build:node && npm run config-schema\``);
    process.exit(1);
  }
  console.log(`${relativeTarget} is up to date`);
} else {
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${relativeTarget}`);
}
