/**
 * Booking for the selected patient: choose a doctor, then the lowest free token (`POST /appointments`) or, when
 * the server has timed slots, a listed free start time; "Walk-in" books today and checks in at once
 * (`POST /walk-ins`). A 409 CAPACITY_FULL offers the next day with room. Every attempt carries an
 * Idempotency-Key, reused only to retry an attempt that got no answer, so a double Enter books once.
 */
import { html, useEffect, useRef, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { newIdempotencyKey } from '../../lib/api.js';
import { addDays, formatDay } from '../../lib/clinic.js';
import { useAction, ErrorText } from '../../components/common.js';
import { SlotPicker } from './slot-picker.js';

const LOOK_AHEAD_DAYS = 14;

/** The first day after `date` (within two weeks) on which the doctor is bookable, or null. */
export async function nextDayWithRoom(api, doctorId, date) {
  const dates = Array.from({ length: LOOK_AHEAD_DAYS }, (_, i) => addDays(date, i + 1));
  const days = await Promise.all(dates.map((d) => api.get(`/doctors/${doctorId}/days/${d}`).catch(() => null)));
  const found = days.find((d) => d && d.bookable);
  return found ? found.date : null;
}

/** Label of a doctor in the picker, with what the day has left. */
function doctorOption(doctor, day) {
  const state = !day
    ? ''
    : !day.is_present
      ? t('book.notWorking')
      : day.remaining > 0
        ? t('book.left', { n: day.remaining })
        : t('book.full');
  return `${doctor.name} (${doctor.code})${state ? ' — ' + state : ''}`;
}

/**
 * @param {{ patient: object, date: string, days: Record<string, object>, doctorId: string, onDoctor: (id: string) => void,
 *   onBooked: (result: { appointment: object, doctor: object, checkIn?: object }) => void }} props
 */
export function BookingPanel({ patient, date, days, doctorId, onDoctor, onBooked }) {
  const { api, doctors, doctorById, today, caps, changed } = useApp();
  const [startTime, setStartTime] = useState('');
  const [offer, setOffer] = useState(null);
  const action = useAction();
  const last = useRef({ fingerprint: '', key: '', retry: false });
  const select = useRef(null);
  useEffect(() => {
    select.current?.focus();
  }, [patient.id]);
  useEffect(() => {
    setOffer(null);
    action.clear();
    setStartTime('');
  }, [doctorId, date, patient.id]);

  const keyFor = (body) => {
    const fingerprint = JSON.stringify(body);
    if (!(last.current.retry && last.current.fingerprint === fingerprint))
      last.current = { fingerprint, key: newIdempotencyKey(), retry: false };
    return last.current.key;
  };

  const book = (onDate, walkIn) =>
    action.run(async () => {
      setOffer(null);
      const doctor = doctorById[doctorId];
      if (!doctor) throw new Error(t('book.pickDoctor'));
      const body = walkIn
        ? { patient_id: patient.id, doctor_id: doctor.id }
        : { patient_id: patient.id, doctor_id: doctor.id, date: onDate };
      if (!walkIn && startTime) body.start_time = startTime;
      try {
        const res = await api.post(walkIn ? '/walk-ins' : '/appointments', { ...body, idempotency_key: keyFor(body) });
        last.current.retry = false;
        onBooked(walkIn ? { appointment: res.appointment, doctor, checkIn: res } : { appointment: res, doctor });
        changed();
      } catch (err) {
        last.current.retry = err.status === 0 || err.status >= 500;
        if (err.code === 'CAPACITY_FULL') setOffer({ date: await nextDayWithRoom(api, doctor.id, onDate || today) });
        throw err;
      }
    });

  const submit = (e) => {
    e.preventDefault();
    book(date, false);
  };
  // Enter on the doctor picker books (a <select> does not submit its form by itself).
  const onKeyDown = (e) => {
    if (e.key === 'Enter' && e.target.tagName === 'SELECT') submit(e);
  };
  const sorted = [...doctors].sort(
    (a, b) => Number(Boolean(days[b.id] && days[b.id].bookable)) - Number(Boolean(days[a.id] && days[a.id].bookable)),
  );

  return html`<section class="panel" aria-labelledby="book-title">
    <h2 id="book-title" class="panel__title">${t('book.title', { day: formatDay(date) })}</h2>
    <form onSubmit=${submit} onKeyDown=${onKeyDown} data-testid="booking-form">
      <div class="field">
        <label for="book-doctor">${t('book.doctor')}</label>
        <select
          id="book-doctor"
          ref=${select}
          value=${doctorId}
          onChange=${(e) => onDoctor(e.currentTarget.value)}
          data-testid="book-doctor"
        >
          <option value="">${t('book.chooseDoctor')}</option>
          ${sorted.map((d) => html`<option value=${d.id}>${doctorOption(d, days[d.id])}</option>`)}
        </select>
      </div>
      ${caps.slots && doctorId && html`<${SlotPicker} doctorId=${doctorId} date=${date} value=${startTime} onChange=${setStartTime} />`}
      <div class="actions">
        <button
          type="submit"
          class="btn btn--primary"
          disabled=${action.busy || !doctorId}
          aria-describedby="book-error"
          data-testid="book-submit"
        >
          ${startTime ? t('book.submitTime', { time: startTime }) : t('book.submit')}
        </button>
        ${date === today && html`<button type="button" class="btn" disabled=${action.busy || !doctorId} onClick=${() => book(null, true)} data-testid="walk-in">${t('book.walkIn')}</button>`}
      </div>
      <${ErrorText} error=${action.error} id="book-error" testid="book-error" />
      ${
        offer &&
        (offer.date
          ? html`<p class="offer" data-testid="next-day-offer">
              ${t('book.nextDay', { day: formatDay(offer.date) })}
              <button type="button" class="btn btn--primary" onClick=${() => book(offer.date, false)} data-testid="book-next-day">
                ${t('book.bookNextDay', { day: formatDay(offer.date) })}
              </button>
            </p>`
          : html`<p class="offer" data-testid="next-day-offer">${t('book.noNextDay', { n: LOOK_AHEAD_DAYS })}</p>`)
      }
    </form>
  </section>`;
}
