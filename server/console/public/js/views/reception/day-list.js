/**
 * One doctor-day's appointments with names (`GET /doctors/{id}/appointments?date=`), for checking in from the
 * day's list; re-read when the doctor's live queue moves or anything is booked or changed here.
 */
import { html, useEffect, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { formatDay } from '../../lib/clinic.js';
import { ErrorText } from '../../components/common.js';
import { AppointmentTable } from './appointments.js';

/** @param {{ doctorId: string, date: string, onClose: () => void }} props */
export function DayList({ doctorId, date, onClose }) {
  const { api, live, refreshKey, doctorById } = useApp();
  const [state, setState] = useState({ rows: null, error: null });
  const [version, setVersion] = useState(-1);
  const [hideDone, setHideDone] = useState(true);
  const doctor = doctorById[doctorId];

  useEffect(() => live.watch(doctorId, date, (snap) => setVersion(snap.version)), [doctorId, date]);
  useEffect(() => {
    let stale = false;
    api
      .get(`/doctors/${doctorId}/appointments`, { date, limit: 200 })
      .then((page) => {
        if (!stale) setState({ rows: page.data, error: null });
      })
      .catch((error) => {
        if (!stale) setState((s) => ({ ...s, error }));
      });
    return () => {
      stale = true;
    };
  }, [doctorId, date, refreshKey, version]);

  const rows = (state.rows || []).filter((a) => !hideDone || a.status === 'booked' || a.status === 'checked_in');
  return html`<section class="panel" aria-labelledby="daylist-title" data-testid="day-list">
    <div class="panel__head">
      <h2 id="daylist-title" class="panel__title">${t('daylist.title', { doctor: doctor ? doctor.name : '', day: formatDay(date) })}</h2>
      <label class="check"
        ><input type="checkbox" checked=${hideDone} onChange=${(e) => setHideDone(e.currentTarget.checked)} />
        ${t('daylist.openOnly')}</label
      >
      <button type="button" class="btn" onClick=${onClose}>${t('common.close')}</button>
    </div>
    <${ErrorText} error=${state.error} />
    ${
      state.rows
        ? html`<${AppointmentTable}
            rows=${rows}
            label=${t('daylist.title', { doctor: doctor ? doctor.name : '', day: formatDay(date) })}
            showPatient
          />`
        : html`<p class="muted" role="status">${t('app.loading')}</p>`
    }
  </section>`;
}
