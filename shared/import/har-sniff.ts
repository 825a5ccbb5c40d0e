/** Tells a HAR file from a session file by its first bytes, for files whose name does not say. */
export function looksLikeHarText(head: string): boolean {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  return /^\s*\{\s*"log"\s*:/.test(text);
}
