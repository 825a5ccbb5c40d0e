/**
 * Quoting for generated commands, so that what the shell hands the program is exactly the captured text:
 * bash words and PowerShell string expressions.
 */

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * One bash word whose value is `text`: plain single quotes when the text has no quote and no control character,
 * else ANSI-C quoting ($'…'), where only backslash, the single quote and control characters need escapes and
 * everything else (UTF-8 included) stays as it is. Bash strings cannot hold NUL: the caller sends such text as
 * bytes (base64) instead.
 */
export function bashWord(text: string): string {
  if (!text.includes("'") && !CONTROL.test(text)) return `'${text}'`;
  let out = "$'";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // Always two hex digits: bash reads at most two, so a following digit or letter is never swallowed.
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/**
 * PowerShell ends a single-quoted string at any of these, not only at the ASCII apostrophe; inside one, each is
 * written twice to stand for itself.
 */
const PS_QUOTES = /['\u2018\u2019\u201a\u201b]/g;

/** A single-quoted PowerShell literal; for text without control characters (URLs, header values). */
export function powershellLiteral(text: string): string {
  return `'${text.replace(PS_QUOTES, (q) => q + q)}'`;
}

/**
 * Characters a console paste can change (line ends, NUL, other controls, Unicode line separators): written as
 * `[char]0x…` and joined to the literal parts, so the string is exact whatever the terminal does with them.
 */
const PS_UNSAFE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

/** A PowerShell expression whose value is exactly `text`. */
export function powershellString(text: string): string {
  const parts: string[] = [];
  let literal = '';
  for (const ch of text) {
    if (PS_UNSAFE.test(ch)) {
      if (literal !== '' || parts.length === 0) parts.push(powershellLiteral(literal));
      literal = '';
      parts.push(`[char]0x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    } else literal += ch;
  }
  if (literal !== '' || parts.length === 0) parts.push(powershellLiteral(literal));
  // The expression starts with a string, so `+` concatenates (a [char] first would try to add numbers).
  return parts.length === 1 ? parts[0]! : `(${parts.join(' + ')})`;
}
