/**
 * The one place the UI library is imported from: Preact (rendering, hooks) with htm tagged templates, so
 * components are plain ES modules the browser loads as they are (no compiler, no eval). The vendor files are
 * written by `npm run build` from node_modules (scripts/vendor-modules.ts).
 */
import { h, render, Fragment, createContext } from '../../vendor/preact.js';
import htm from '../../vendor/htm.js';

export { useState, useEffect, useRef, useMemo, useCallback, useContext, useId } from '../../vendor/preact-hooks.js';
export { render, Fragment, createContext };

/** `html\`<div class=${c}>…</div>\`` → a Preact element. */
export const html = htm.bind(h);
