/**
 * Readable paths into JSON values (`parameters.properties.city`, `arguments.items[2]["first name"]`), the form
 * findings use in `path` and in messages.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** A JSON Pointer as JSON Schema validators report it (`#/a/0/b`, `/a/0/b`) turned into `root.a[0].b`. */
export function pointerToPath(pointer: string, root: string): string {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (body === '' || body === '/') return root;
  let path = root;
  for (const raw of body.slice(1).split('/')) {
    const segment = decodeSegment(raw);
    path = /^(?:0|[1-9][0-9]*)$/.test(segment) ? `${path}[${segment}]` : childPath(path, segment);
  }
  return path;
}

/** One JSON Pointer segment: `~1` is `/`, `~0` is `~`, and a URI fragment may also be percent-encoded. */
export function decodeSegment(raw: string): string {
  let text = raw;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      // Not percent-encoding after all: keep the text as it is.
    }
  }
  return text.replace(/~1/g, '/').replace(/~0/g, '~');
}
