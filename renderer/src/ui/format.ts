/** Small, allocation-light formatters for numbers, times and previews shown in rows and details. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Milliseconds since the first event of the view, as the time column shows it. */
export function formatRelativeMs(t: number, firstT: number | null): string {
  if (firstT === null) return '';
  return (t - firstT).toFixed(1);
}

export function formatClock(t: number): string {
  const d = new Date(t);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * One line of at most `max` characters. Only the head of the text is looked at, so a megabyte of base64
 * audio costs the same as a short message.
 */
export function preview(text: string, max = 200): string {
  const head = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const line = head.replace(/\s+/g, ' ').trim();
  return line.length > max || text.length > head.length ? `${line.slice(0, max)}…` : line;
}

/** The `type` of a JSON message (realtime protocols name every frame so), read from the head of the text only. */
export function messageType(text: string): string | null {
  const match = /"(?:type|event)"\s*:\s*"([^"\\]{1,100})"/.exec(text.length > 600 ? text.slice(0, 600) : text);
  return match ? match[1]! : null;
}

export function listenAddress(listen: { host: string; port: number }): string {
  const host = listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host === '::' ? '::1' : listen.host;
  return host.includes(':') ? `[${host}]:${listen.port}` : `${host}:${listen.port}`;
}

const CLOSE_CODES: Record<number, string> = {
  1000: 'Normal Closure',
  1001: 'Going Away',
  1002: 'Protocol Error',
  1003: 'Unsupported Data',
  1005: 'No Status Received',
  1006: 'Abnormal Closure',
  1007: 'Invalid Payload Data',
  1008: 'Policy Violation',
  1009: 'Message Too Big',
  1010: 'Mandatory Extension',
  1011: 'Internal Error',
  1012: 'Service Restart',
  1013: 'Try Again Later',
  1014: 'Bad Gateway',
  1015: 'TLS Handshake',
};

export function closeCodeName(code: number): string {
  return CLOSE_CODES[code] ?? (code >= 4000 ? 'application-defined' : 'unknown');
}
