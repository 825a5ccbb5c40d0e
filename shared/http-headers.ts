import type { HeaderList } from './events.js';

/** The first value of a header, matched case-insensitively as HTTP requires. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return undefined;
}
