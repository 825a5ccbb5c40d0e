/**
 * The setup most specs share: a tool backend on loopback and `toolscope serve` with one route to it, started
 * before each test of the file and stopped after it, whatever the test did.
 */
import { test } from '@playwright/test';
import { startToolBackend, type ToolBackend } from './backends.js';
import { startServe, type ServeProcess } from './toolscope-serve.js';

export interface ProxiedToolBackend {
  readonly backend: ToolBackend;
  readonly serve: ServeProcess;
}

export function proxiedToolBackend(): ProxiedToolBackend {
  const started: { backend?: ToolBackend; serve?: ServeProcess } = {};
  test.beforeEach(async () => {
    started.backend = await startToolBackend();
    started.serve = await startServe([started.backend.url]);
  });
  test.afterEach(async () => {
    await started.serve?.stop();
    await started.backend?.close();
    started.serve = undefined;
    started.backend = undefined;
  });
  const missing = (what: string): never => {
    throw new Error(`${what} is only there inside a test`);
  };
  return {
    get backend() {
      return started.backend ?? missing('the tool backend');
    },
    get serve() {
      return started.serve ?? missing('toolscope serve');
    },
  };
}
