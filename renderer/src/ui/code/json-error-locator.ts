/** Where the JSON grammar first fails: the fallback for V8 errors that name no position. */
import { jsonLanguage } from '@codemirror/lang-json';

export function locateJsonError(text: string): number {
  let offset = text.length;
  jsonLanguage.parser.parse(text).iterate({
    enter(node) {
      if (offset < text.length) return false;
      if (node.type.isError) {
        offset = node.from;
        return false;
      }
      return undefined;
    },
  });
  return offset;
}
