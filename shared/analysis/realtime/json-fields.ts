/**
 * Reading fields of parsed frames safely. A frame is any JSON object a peer chose to send, so a key like
 * `constructor` or `__proto__` must read as absent unless the frame really has it, and values must be
 * described and quoted in findings without pasting megabytes of base64 into a message.
 */
import { quote } from '../payload-fields.js';

export { arrayField, describeValue, field, firstString, has, quote, recordField, stringField } from '../payload-fields.js';

/** The longest message type a reading keeps: types are short names, and a reading is kept for every frame. */
const MAX_TYPE = 100;

/** A message type as a reading keeps it: cut when a peer sent an absurdly long one. */
export function messageTypeOf(type: string): string {
  return type.length > MAX_TYPE ? `${type.slice(0, MAX_TYPE)}…` : type;
}

/** A message type as a finding names it: bare when it looks like a type name, quoted and cut otherwise. */
export function typeName(type: string): string {
  return type.length <= MAX_TYPE && /^[\w.:-]+$/.test(type) ? type : quote(type);
}
