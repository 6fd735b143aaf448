/**
 * Buttons for one queue entry (`POST /queue-entries/{id}/{serve|skip|recall|requeue}`), and Transfer
 * (`POST /queue-entries/{id}/transfer {doctor_id, keep_place}`) / Priority (`PATCH /queue-entries/{id} {priority}`)
 * once the server has those routes (capabilities.transfer / .priority). The live event that follows refreshes
 * every view of the queue, so nothing here re-reads it.
 */
import { html, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { useShortcut } from '../../lib/shortcuts.js';
import { useAction, ErrorText } from '../../components/common.js';

/** Which buttons each status shows. */
const BY_STATUS = { called: ['serve', 'skip', 'recall'], waiting: ['skip'], skipped: ['requeue'] };
/** Single-key shortcuts, bound only for the patient being seen (`keys` prop). */
const KEYS = { serve: 's', skip: 'k', recall: 'r' };

function TransferForm({ entry, run, onClose }) {
  const { doctors } = useApp();
  const others = doctors.filter((d) => d.id !== entry.doctor_id);
  const [to, setTo] = useState(others[0] ? others[0].id : '');
  const [keepPlace, setKeepPlace] = useState(true);
  return html`<form
    class="inline-form"
    onSubmit=${(e) => {
      e.preventDefault();
      run('transfer', { doctor_id: to, keep_place: keepPlace }).then(onClose);
    }}
  >
    <label for=${'transfer-' + entry.queue_entry_id}>${t('doctor.transferTo')}</label>
    <select id=${'transfer-' + entry.queue_entry_id} value=${to} onChange=${(e) => setTo(e.currentTarget.value)}>
      ${others.map((d) => html`<option value=${d.id}>${d.name}</option>`)}
    </select>
    <label
      ><input
        type="checkbox"
        checked=${keepPlace}
        onChange=${(e) => setKeepPlace(e.currentTarget.checked)}
        data-testid="transfer-keep-place"
      />
      ${t('doctor.keepPlace')}</label
    >
    <button type="submit" class="btn btn--primary" disabled=${!to}>${t('doctor.transfer')}</button>
    <button type="button" class="btn" onClick=${onClose}>${t('common.back')}</button>
  </form>`;
}

const PRIORITIES = ['normal', 'priority', 'emergency'];

function PriorityForm({ entry, action, api, onClose }) {
  const [value, setValue] = useState(entry.priority || 'normal');
  return html`<form
    class="inline-form"
    onSubmit=${(e) => {
      e.preventDefault();
      action.run(() => api.patch(`/queue-entries/${entry.queue_entry_id}`, { priority: value })).then(onClose);
    }}
  >
    <label for=${'priority-' + entry.queue_entry_id}>${t('doctor.priority')}</label>
    <select
      id=${'priority-' + entry.queue_entry_id}
      value=${value}
      onChange=${(e) => setValue(e.currentTarget.value)}
      data-testid="priority-select"
    >
      ${PRIORITIES.map((p) => html`<option value=${p}>${t('priority.' + p)}</option>`)}
    </select>
    <button type="submit" class="btn btn--primary" disabled=${action.busy}>${t('common.save')}</button>
    <button type="button" class="btn" onClick=${onClose}>${t('common.back')}</button>
  </form>`;
}

/** @param {{ entry: object, keys?: boolean, big?: boolean }} props  `entry` is a staff queue entry (plus doctor_id). */
export function EntryActions({ entry, keys = false, big = false }) {
  const { api, caps } = useApp();
  const action = useAction();
  const [transferring, setTransferring] = useState(false);
  const [prioritising, setPrioritising] = useState(false);
  const run = (name, body) => action.run(() => api.post(`/queue-entries/${entry.queue_entry_id}/${name}`, body || {}));
  const names = BY_STATUS[entry.status] || [];
  useShortcut('s', () => run('serve'), keys && names.includes('serve'));
  useShortcut('k', () => run('skip'), keys && names.includes('skip'));
  useShortcut('r', () => run('recall'), keys && names.includes('recall'));

  if (transferring) return html`<${TransferForm} entry=${entry} run=${run} onClose=${() => setTransferring(false)} />`;
  if (prioritising) return html`<${PriorityForm} entry=${entry} action=${action} api=${api} onClose=${() => setPrioritising(false)} />`;
  const cls = 'btn' + (big ? ' btn--big' : '');
  return html`<div class="row-actions">
    ${names.map(
      (name) =>
        html`<button
          type="button"
          class=${cls + (name === 'serve' ? ' btn--primary' : '')}
          disabled=${action.busy}
          onClick=${() => run(name)}
          aria-keyshortcuts=${keys && KEYS[name] ? KEYS[name] : undefined}
          aria-label=${t('doctor.actionFor', { action: t('doctor.' + name), token: entry.token })}
          data-testid=${'entry-' + name}
        >
          ${t('doctor.' + name)}${keys && KEYS[name] ? html` <kbd aria-hidden="true">${KEYS[name].toUpperCase()}</kbd>` : ''}
        </button>`,
    )}
    ${caps.transfer && entry.status !== 'skipped' && html`<button type="button" class=${cls} onClick=${() => setTransferring(true)} data-testid="entry-transfer">${t('doctor.transfer')}</button>`}
    ${caps.priority && entry.status === 'waiting' && html`<button type="button" class=${cls} disabled=${action.busy} onClick=${() => setPrioritising(true)} data-testid="entry-priority">${t('doctor.priority')}</button>`}
    <${ErrorText} error=${action.error} testid="entry-error" />
  </div>`;
}
