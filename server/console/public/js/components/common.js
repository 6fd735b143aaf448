/** Small building blocks shared by the views: an action's busy/error state and how an error is shown. */
import { html, useState, useRef } from '../lib/ui.js';

/**
 * State of one user action (a button, a form): `run(fn)` sets `busy`, clears the last error, awaits `fn` and
 * keeps the error it throws (an ApiError with the API's message) so it is shown next to that control.
 * A second `run` while one is in flight is ignored (double Enter books once).
 * @returns {{ busy: boolean, error: Error|null, run: (fn: () => Promise<any>) => Promise<any>, clear: () => void }}
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const inFlight = useRef(false);
  const run = async (fn) => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}

/** The API's problem `message` (or a network message) as an alert next to the control that caused it. */
export function ErrorText({ error, id, testid }) {
  if (!error) return null;
  return html`<p class="error" role="alert" id=${id} data-testid=${testid || 'error'} data-code=${error.code || ''}>${error.message}</p>`;
}

/** A labelled form field; `error` (per-field problem detail) is shown under it and linked with aria-describedby. */
export function Field({ label, id, error, children, hint }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children} ${hint && html`<small class="hint" id=${id + '-hint'}>${hint}</small>`}
    ${error && html`<small class="error" role="alert" id=${id + '-error'}>${error}</small>`}
  </div>`;
}

/**
 * Field errors from a 400 VALIDATION_ERROR (`details: [{path: 'body.phone', message}]`), keyed by field name.
 * @returns {Record<string, string>}
 */
export function fieldErrors(error) {
  const out = {};
  if (!error || error.code !== 'VALIDATION_ERROR' || !Array.isArray(error.details)) return out;
  for (const d of error.details) {
    const name = String(d.path || '')
      .split('.')
      .pop();
    if (name && !out[name]) out[name] = d.message;
  }
  return out;
}
