/**
 * Appointment rows and what reception does with them: check in (today), cancel, reschedule, mark no-show.
 * Each row keeps its own error, shown in that row. After a change every day count reloads (`changed()`).
 */
import { html, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { formatDay, publicToken } from '../../lib/clinic.js';
import { useAction, ErrorText } from '../../components/common.js';

/** Which actions an appointment allows today (the API enforces the same; this only hides what would fail). */
function allowed(a, today) {
  return {
    checkIn: a.status === 'booked' && a.date === today,
    cancel: a.status === 'booked',
    reschedule: a.status === 'booked',
    noShow: (a.status === 'booked' || a.status === 'checked_in') && a.date <= today,
  };
}

function Reschedule({ a, onDone, onCancel, action }) {
  const { doctors, today } = useApp();
  const [date, setDate] = useState(a.date);
  const [doctorId, setDoctorId] = useState(a.doctor_id);
  const submit = (e) => {
    e.preventDefault();
    onDone({ date, doctor_id: doctorId });
  };
  return html`<form
    class="inline-form"
    onSubmit=${submit}
    onKeyDown=${(e) => {
      if (e.key === 'Escape') onCancel();
    }}
    data-testid="reschedule-form"
  >
    <label for=${'rs-date-' + a.id}>${t('appt.newDate')}</label>
    <input
      id=${'rs-date-' + a.id}
      type="date"
      min=${today}
      value=${date}
      required
      onInput=${(e) => setDate(e.currentTarget.value)}
      data-testid="reschedule-date"
    />
    <label for=${'rs-doctor-' + a.id}>${t('appt.newDoctor')}</label>
    <select id=${'rs-doctor-' + a.id} value=${doctorId} onChange=${(e) => setDoctorId(e.currentTarget.value)}>
      ${doctors.map((d) => html`<option value=${d.id}>${d.name}</option>`)}
    </select>
    <button type="submit" class="btn btn--primary" disabled=${action.busy} data-testid="reschedule-submit">${t('appt.move')}</button>
    <button type="button" class="btn" onClick=${onCancel}>${t('common.back')}</button>
  </form>`;
}

/** The buttons of one appointment; `confirm` steps guard the two that cannot be undone from here. */
export function AppointmentActions({ a }) {
  const { api, today, changed } = useApp();
  const [mode, setMode] = useState(null); // null | 'cancel' | 'noShow' | 'reschedule'
  const action = useAction();
  const can = allowed(a, today);
  const run = (fn) =>
    action.run(async () => {
      await fn();
      setMode(null);
      changed();
    });

  const checkIn = () => run(() => api.post('/checkins', { appointment_id: a.id, patient_id: a.patient_id }));
  const cancel = () => run(() => api.post(`/appointments/${a.id}/cancel`, {}));
  const noShow = () => run(() => api.post(`/appointments/${a.id}/no-show`, {}));
  const move = (to) => run(() => api.post(`/appointments/${a.id}/reschedule`, to.doctor_id === a.doctor_id ? { date: to.date } : to));

  let body;
  if (mode === 'reschedule') body = html`<${Reschedule} a=${a} action=${action} onDone=${move} onCancel=${() => setMode(null)} />`;
  else if (mode) {
    body = html`<span class="confirm"
      >${t(mode === 'cancel' ? 'appt.confirmCancel' : 'appt.confirmNoShow')}
      <button
        type="button"
        class="btn btn--danger"
        disabled=${action.busy}
        onClick=${mode === 'cancel' ? cancel : noShow}
        data-testid="confirm-yes"
      >
        ${t('common.yes')}
      </button>
      <button type="button" class="btn" onClick=${() => setMode(null)}>${t('common.no')}</button></span
    >`;
  } else {
    body = html`${can.checkIn && html`<button type="button" class="btn btn--primary" disabled=${action.busy} onClick=${checkIn} data-testid="appt-check-in">${t('appt.checkIn')}</button>`}
    ${can.reschedule && html`<button type="button" class="btn" onClick=${() => setMode('reschedule')} data-testid="appt-reschedule">${t('appt.reschedule')}</button>`}
    ${can.cancel && html`<button type="button" class="btn" onClick=${() => setMode('cancel')} data-testid="appt-cancel">${t('appt.cancel')}</button>`}
    ${can.noShow && html`<button type="button" class="btn" onClick=${() => setMode('noShow')} data-testid="appt-no-show">${t('appt.noShow')}</button>`}`;
  }
  return html`<div class="row-actions">${body}<${ErrorText} error=${action.error} testid="appt-error" /></div>`;
}

/**
 * A table of appointments with their actions.
 * @param {{ rows: object[], label: string, showPatient?: boolean, showDoctor?: boolean, showDate?: boolean }} props
 */
export function AppointmentTable({ rows, label, showPatient, showDoctor, showDate }) {
  const { doctorById } = useApp();
  if (!rows.length) return html`<p class="muted">${t('appt.none')}</p>`;
  return html`<table class="table">
    <caption class="sr-only">
      ${label}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('appt.token')}</th>
        ${showPatient && html`<th scope="col">${t('appt.patient')}</th>`} ${showDoctor && html`<th scope="col">${t('appt.doctor')}</th>`}
        ${showDate && html`<th scope="col">${t('appt.day')}</th>`}
        <th scope="col">${t('appt.status')}</th>
        <th scope="col">${t('appt.actions')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map((a) => {
        const doctor = doctorById[a.doctor_id];
        return html`<tr key=${a.id} data-testid="appt-row" data-appointment-id=${a.id} data-status=${a.status}>
          <td class="mono">${doctor ? publicToken(doctor.code, a.slot) : a.slot}</td>
          ${showPatient && html`<td>${a.patient ? `${a.patient.first_name} ${a.patient.last_name || ''}` : ''}</td>`}
          ${showDoctor && html`<td>${doctor ? doctor.name : ''}</td>`} ${showDate && html`<td class="nowrap">${formatDay(a.date)}</td>`}
          <td><span class=${'status status--' + a.status} data-testid="appt-status">${t('status.' + a.status)}</span></td>
          <td><${AppointmentActions} a=${a} /></td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
