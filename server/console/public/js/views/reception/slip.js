/**
 * The answer of a booking: the token (and estimated time and room, when the server gives them) shown large, and a
 * slip printed with window.print() through the print stylesheet: token, doctor, room, day, time. Never a
 * diagnosis, never a phone number.
 */
import { html, useEffect, useRef, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { formatDay, formatTime, publicToken } from '../../lib/clinic.js';
import { useAction, ErrorText } from '../../components/common.js';

/** `estimated_time` may be an ISO instant or a clock time ("09:40"). */
function timeText(value) {
  if (!value) return '';
  return /^\d{2}:\d{2}/.test(value) ? value.slice(0, 5) : formatTime(value);
}

/** @param {{ result: { appointment: object, doctor: object, checkIn?: object }, onDone: () => void }} props */
export function BookingResult({ result, onDone }) {
  const { api, today, changed } = useApp();
  const { appointment: a, doctor } = result;
  const token = publicToken(doctor.code, a.slot);
  const time = timeText(a.estimated_time || a.start_time);
  const room = a.room || '';
  const checkIn = useAction();
  const printButton = useRef(null);
  const [checkedIn, setCheckedIn] = useState(result.checkIn || null);
  useEffect(() => {
    printButton.current?.focus();
  }, [a.id]);

  const doCheckIn = () =>
    checkIn.run(async () => {
      setCheckedIn(await api.post('/checkins', { appointment_id: a.id, patient_id: a.patient_id }));
      changed();
    });

  return html`<section
    class="panel result"
    aria-labelledby="result-title"
    data-testid="booking-result"
    onKeyDown=${(e) => {
      if (e.key === 'Escape') onDone();
    }}
  >
    <h2 id="result-title" class="panel__title">${t('result.title')}</h2>
    <p class="result__label">${t('result.token')}</p>
    <p class=${'result__token' + (token.length > 10 ? ' token--long' : '')} data-testid="booked-token">${token}</p>
    <p class="result__meta" data-testid="booked-meta">
      ${doctor.name} · ${formatDay(a.date)}${time && ' · ' + t('result.time', { time })}${room && ' · ' + t('result.room', { room })}
    </p>
    ${checkedIn && html`<p class="notice" role="status" data-testid="checked-in-notice">${t('result.checkedIn', { position: checkedIn.queue_position })}</p>`}
    <div class="actions">
      <button type="button" class="btn btn--primary" ref=${printButton} onClick=${() => window.print()} data-testid="print-slip">
        ${t('result.print')}
      </button>
      ${!checkedIn && a.status === 'booked' && a.date === today && html`<button type="button" class="btn" disabled=${checkIn.busy} onClick=${doCheckIn} data-testid="result-check-in">${t('appt.checkIn')}</button>`}
      <button type="button" class="btn" onClick=${onDone} data-testid="result-done">${t('result.next')}</button>
    </div>
    <${ErrorText} error=${checkIn.error} testid="result-error" />
    <div class="slip" data-testid="slip">
      <p class="slip__clinic">${t('slip.heading')}</p>
      <p class="slip__token">${token}</p>
      <p class="slip__line">${t('slip.doctor')}: ${doctor.name}</p>
      ${room && html`<p class="slip__line">${t('slip.room')}: ${room}</p>`}
      <p class="slip__line">${t('slip.day')}: ${formatDay(a.date)}</p>
      ${time && html`<p class="slip__line">${t('slip.time')}: ${time}</p>`}
      <p class="slip__note">${t('slip.note')}</p>
    </div>
  </section>`;
}
