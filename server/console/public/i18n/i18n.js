/**
 * UI text lookup. Every word the console shows comes from a messages file in this folder (en.js today); a
 * translation is one more file with the same keys. The API's own error `message` is shown as the server sent it.
 */
import en from './en.js';

const messages = en;

/** The BCP 47 locale used for dates and times. */
export const locale = messages['locale'];

/**
 * The text for `key`, with `{name}` placeholders filled from `vars`. An unknown key renders as the key itself
 * (visible in review, never a crash).
 * @param {string} key
 * @param {Record<string, string|number>} [vars]
 */
export function t(key, vars) {
  const text = messages[key];
  if (text === undefined) return key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name]))) : text;
}
