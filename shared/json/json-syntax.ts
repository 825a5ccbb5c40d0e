/**
 * Parses JSON text typed by a user (an edited request, a result to inject, a held item) and, when it does not
 * parse, says where: line, column and offset, so the editor can put the cursor on the mistake. Used on both
 * sides of the bridge: the UI refuses before sending, the core refuses again before anything goes on the wire.
 */
export type JsonText = { ok: true; value: unknown } | { ok: false; message: string; offset: number; line: number; column: number };

/**
 * V8 names the position for most errors ("… in JSON at position 7") but not all ("Unexpected token …, "…" is
 * not valid JSON"); `locate` finds it then (the UI passes the JSON grammar's first error node), else the start
 * of the text is blamed.
 */
export function parseJsonText(text: string, locate?: (text: string) => number): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const reason = (e as Error).message;
    const position = /at position (\d+)/.exec(reason);
    // "Unexpected end of JSON input" names no position, but there is only one place it can be.
    const atEnd = /end of JSON input/i.test(reason);
    const offset = position ? Math.min(Number(position[1]), text.length) : atEnd ? text.length : (locate?.(text) ?? firstNonSpace(text));
    const { line, column } = lineColumn(text, offset);
    return { ok: false, message: `JSON syntax error at line ${line}, column ${column}: ${reason}`, offset, line, column };
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function firstNonSpace(text: string): number {
  const match = /\S/.exec(text);
  return match ? match.index : text.length;
}
