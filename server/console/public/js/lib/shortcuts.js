/**
 * Single-key shortcuts for people who type all day (`/` search, `n` call next, …). A shortcut never fires while
 * the user types in a field or holds Ctrl/Alt/Meta, so `/` and letters still reach the inputs.
 */
import { useEffect, useRef } from './ui.js';

const handlers = new Map(); // key → stack of handlers; the last mounted wins

function typing(target) {
  const el = /** @type {HTMLElement} */ (target);
  return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented || typing(e.target)) return;
  const stack = handlers.get(e.key.length === 1 ? e.key.toLowerCase() : e.key);
  if (!stack || !stack.length) return;
  e.preventDefault();
  stack[stack.length - 1].current(e);
});

/**
 * Binds `key` (e.g. '/', 'n', 'Escape') to `fn` while the calling component is mounted and `enabled` holds.
 * @param {string} key
 * @param {(e: KeyboardEvent) => void} fn
 */
export function useShortcut(key, fn, enabled = true) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!enabled) return undefined;
    const stack = handlers.get(key) || [];
    handlers.set(key, stack);
    stack.push(ref);
    return () => {
      stack.splice(stack.indexOf(ref), 1);
    };
  }, [key, enabled]);
}
