/**
 * Whether a schema's `pattern` can be run on arguments without freezing the app. JavaScript regexes backtrack,
 * and a JSON Schema validator runs them on every call: a pattern such as `^(a+)+$` takes exponential time on
 * some inputs, and there is no way to interrupt it. The analysis runs in the renderer too, so such patterns are
 * left unchecked rather than risked.
 */

export type PatternVerdict = { ok: true } | { ok: false; reason: 'invalid' | 'invalid-unicode' | 'backtracking'; detail: string };

/** Not a full analysis: it catches the classic shape, a quantified group with a quantifier inside (star height > 1). */
export function checkPattern(pattern: string): PatternVerdict {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    try {
      new RegExp(pattern);
    } catch {
      return { ok: false, reason: 'invalid', detail };
    }
    // Valid as a plain regex but not in Unicode mode, which JSON Schema validators (this one included) use.
    return { ok: false, reason: 'invalid-unicode', detail };
  }
  if (hasNestedQuantifier(pattern)) {
    return { ok: false, reason: 'backtracking', detail: 'a repeated group contains a repetition (like "(a+)+"), which can take exponential time' };
  }
  return { ok: true };
}

function hasNestedQuantifier(pattern: string): boolean {
  // For each open group: does it contain a variable repetition?
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      continue;
    }
    if (ch === '(') {
      groups.push(false);
      // Skip the `?:`, `?=`, `?!`, `?<=`, `?<!` or `?<name>` that opens a special group: that `?` repeats nothing.
      if (pattern[i + 1] === '?') {
        if (pattern[i + 2] === '<' && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
          const close = pattern.indexOf('>', i + 3);
          i = close < 0 ? i + 2 : close;
        } else i += pattern[i + 2] === '<' ? 3 : 2;
      }
      continue;
    }
    if (ch === ')') {
      const inner = groups.pop() ?? false;
      const after = quantifierAt(pattern, i + 1);
      if (inner && after === 'unbounded') return true;
      if (groups.length > 0 && (inner || after !== 'none')) groups[groups.length - 1] = true;
      continue;
    }
    if (groups.length > 0 && quantifierAt(pattern, i) !== 'none') groups[groups.length - 1] = true;
  }
  return false;
}

/**
 * What repetition starts at `i`: `none` for a fixed count (`{3}`) too, which cannot backtrack; `unbounded` for
 * `*`, `+`, `{n,}` and large ranges, the outer repetitions that make nested ones explode.
 */
function quantifierAt(pattern: string, i: number): 'none' | 'bounded' | 'unbounded' {
  const ch = pattern[i];
  if (ch === '*' || ch === '+') return 'unbounded';
  if (ch === '?') return 'bounded';
  if (ch !== '{') return 'none';
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
  if (!match || match[2] === undefined) return 'none';
  if (match[3] === '') return 'unbounded';
  const min = Number(match[1]);
  const max = Number(match[3]);
  if (max <= min) return 'none';
  return max >= 10 ? 'unbounded' : 'bounded';
}
