import fs from 'node:fs';
import { parseToolscopeConfig, type ToolscopeConfig } from '../../shared/config/toolscope-config.js';
import { UsageError } from './usage-error.js';

/** Reads toolscope.config.json for a command; a broken file is one clear line and exit code 2. */
export function readConfigFile(file: string): ToolscopeConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const result = parseToolscopeConfig(text);
  if (!result.ok) throw new UsageError(`config ${file}: ${result.error}`);
  return result.config;
}
