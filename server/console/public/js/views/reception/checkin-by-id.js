/**
 * Check in by appointment id, typed or scanned (a barcode scanner types the id and Enter):
 * `GET /appointments/{id}` for its patient, then `POST /checkins`.
 */
import { html, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { useAction, ErrorText } from '../../components/common.js';

export function CheckInById() {
  const { api, changed } = useApp();
  const [id, setId] = useState('');
  const [done, setDone] = useState(null);
  const action = useAction();
  const submit = (e) => {
    e.preventDefault();
    setDone(null);
    action.run(async () => {
      const a = await api.get(`/appointments/${encodeURIComponent(id.trim())}`);
      setDone(await api.post('/checkins', { appointment_id: a.id, patient_id: a.patient_id }));
      setId('');
      changed();
    });
  };
  return html`<form class="toolbar__group" onSubmit=${submit} data-testid="checkin-by-id">
    <label for="checkin-id">${t('checkin.label')}</label>
    <input
      id="checkin-id"
      class="mono"
      size="24"
      autocomplete="off"
      value=${id}
      placeholder=${t('checkin.placeholder')}
      onInput=${(e) => setId(e.currentTarget.value)}
      data-testid="checkin-id"
      aria-describedby="checkin-result"
    />
    <button type="submit" class="btn" disabled=${action.busy || !id.trim()}>${t('appt.checkIn')}</button>
    <span id="checkin-result" role="status">
      ${done && html`<span class="notice" data-testid="checkin-done">${t('checkin.done', { token: done.token, position: done.queue_position })}</span>`}
    </span>
    <${ErrorText} error=${action.error} testid="checkin-error" />
  </form>`;
}
