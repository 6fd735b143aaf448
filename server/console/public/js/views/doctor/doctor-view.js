/**
 * The doctor's desk: a big "Call next" (key N), the patient being seen, the waiting list with wait times,
 * the skipped, and the day's counts. A doctor sees only their own queue (the API enforces it too); an admin
 * picks any doctor. Live: the public snapshot's version drives re-reads of the staff view.
 */
import { html, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { useShortcut } from '../../lib/shortcuts.js';
import { checkedInCount, useDaySummaries, useLiveQueue } from '../../lib/doctor-day.js';
import { useAction, ErrorText } from '../../components/common.js';
import { CurrentPatient } from './current-patient.js';
import { EntryList } from './waiting-list.js';

function Counts({ day, staff }) {
  const items = [
    ['booked', day ? `${day.booked} / ${day.capacity}` : '…'],
    ['checkedIn', staff ? checkedInCount(staff) : '…'],
    ['waiting', staff ? staff.waiting.length : '…'],
    ['served', staff ? staff.served_count : '…'],
    ['skipped', staff ? staff.skipped.length : '…'],
  ];
  return html`<dl class="stats stats--wide" aria-label=${t('doctor.counts')}>
    ${items.map(
      ([k, v]) =>
        html`<div class="stat">
          <dt>${t('count.' + k)}</dt>
          <dd data-testid=${'count-' + k}>${v}</dd>
        </div>`,
    )}
  </dl>`;
}

export function DoctorView() {
  const { api, user, doctors, doctorById, today } = useApp();
  const own = user.role === 'doctor';
  const [doctorId, setDoctorId] = useState(own ? user.doctor_id : (doctors[0] && doctors[0].id) || '');
  const { staff, error } = useLiveQueue(doctorId, today, { staff: true });
  const { days } = useDaySummaries(doctorId ? [doctorId] : [], today);
  const call = useAction();
  const doCall = () => call.run(() => api.post(`/doctors/${doctorId}/queue/call-next`, {}, { date: today }));
  useShortcut('n', doCall, Boolean(doctorId));

  if (!doctorId) return html`<main class="doctor"><p class="error" role="alert">${t('doctor.noDoctor')}</p></main>`;
  const doctor = doctorById[doctorId];
  const withDoctor = (list) => (list || []).map((e) => ({ ...e, doctor_id: doctorId }));
  const called = withDoctor(staff && staff.called);
  return html`<main class="doctor" data-testid="doctor-view">
    <div class="toolbar">
      ${
        own
          ? html`<h1 class="toolbar__title" data-testid="doctor-name">${doctor ? doctor.name : ''}</h1>`
          : html`<div class="toolbar__group">
              <label for="doctor-pick">${t('doctor.pick')}</label>
              <select id="doctor-pick" value=${doctorId} onChange=${(e) => setDoctorId(e.currentTarget.value)}>
                ${doctors.map((d) => html`<option value=${d.id}>${d.name}</option>`)}
              </select>
            </div>`
      }
      <${Counts} day=${days[doctorId]} staff=${staff} />
    </div>
    <${ErrorText} error=${error} />
    <div class="doctor__cols">
      <div class="doctor__left">
        <button
          type="button"
          class="btn btn--primary btn--call"
          disabled=${call.busy}
          onClick=${doCall}
          aria-keyshortcuts="n"
          aria-describedby="call-error"
          data-testid="call-next"
        >
          ${t('doctor.callNext')} <kbd aria-hidden="true">N</kbd>
        </button>
        <${ErrorText} error=${call.error} id="call-error" testid="call-error" />
        <${CurrentPatient} entry=${called[0] || null} />
        ${called.length > 1 && html`<${EntryList} title=${t('doctor.alsoCalled')} entries=${called.slice(1)} testid="also-called" />`}
      </div>
      <div class="doctor__right">
        <${EntryList} title=${t('doctor.waiting')} entries=${withDoctor(staff && staff.waiting)} testid="waiting-list" showWait />
        <${EntryList} title=${t('doctor.skipped')} entries=${withDoctor(staff && staff.skipped)} testid="skipped-list" />
      </div>
    </div>
  </main>`;
}
