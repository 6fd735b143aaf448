/**
 * What every view needs, handed down once by the shell: `{api, live, user, caps, doctors, doctorById, today,
 * refreshKey, changed}`. `changed()` says "a booking or appointment changed" so day counts reload everywhere.
 */
import { createContext, useContext } from './ui.js';

export const AppContext = createContext(null);

/** The shell's context (see module doc). */
export function useApp() {
  return useContext(AppContext);
}
