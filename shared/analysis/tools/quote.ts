/** Names, keys and patterns from the wire go into messages quoted and cut short: a 10 MiB name must not make a 10 MiB message. */
export { quote, cut as shorten } from '../payload-fields.js';
