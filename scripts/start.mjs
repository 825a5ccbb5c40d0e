// `npm start`: the desktop app where Electron is installed, else the same core with the browser UI.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { findElectronBinary } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const { binary, reason } = findElectronBinary();
const mainBuilt = existsSync(path.join(root, 'dist', 'node', 'electron', 'main.js'));

let child;
if (binary && mainBuilt) {
  child = spawn(binary, [root, ...args], { stdio: 'inherit' });
} else {
  console.log(
    `Desktop app unavailable (${reason ?? 'electron/main.ts was not built'}; on a machine with internet, \`npm install electron\` gets it). Running the browser UI instead: toolscope serve`,
  );
  child = spawn(process.execPath, [path.join(root, 'bin', 'toolscope.js'), 'serve', ...args], { stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
