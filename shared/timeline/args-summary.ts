/**
 * A one-line summary of a call's arguments for the timeline: `city: "Oslo", days: 3`. Values are shown as
 * compact JSON and the whole line is cut at `max` characters, because a row must stay one line at any width.
 */
export function summariseArgs(args: unknown, argsRaw: string, max = 120): string {
  let text: string;
  if (typeof args === 'object' && args !== null && !Array.isArray(args)) {
    const parts: string[] = [];
    let length = 0;
    for (const [key, value] of Object.entries(args)) {
      const part = `${key}: ${compact(value)}`;
      parts.push(part);
      length += part.length + 2;
      if (length > max) break;
    }
    text = parts.length > 0 ? parts.join(', ') : '{}';
  } else if (args === undefined) {
    // The arguments did not parse; the raw text is what the user needs to see.
    text = argsRaw;
  } else {
    text = compact(args);
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > max ? `${head(text, max - 1)}…` : text;
}

function compact(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${head(value, 59)}…` : value);
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 60 ? `${head(json, 59)}…` : json;
}

/** The first `n` UTF-16 units of `text`, one fewer where the cut would split a surrogate pair (an emoji) in half. */
function head(text: string, n: number): string {
  const last = text.charCodeAt(n - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? n - 1 : n);
}
