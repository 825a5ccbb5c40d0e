/** Names, keys and patterns from the wire go into messages quoted and cut short: a 10 MiB name must not make a 10 MiB message. */
export function quote(text: string, max = 60): string {
  return JSON.stringify(shorten(text, max));
}

export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
