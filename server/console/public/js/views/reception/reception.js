/**
 * Reception: pick site and day, find or register the patient, book, print the slip, check in; the doctors'
 * cards and a doctor's day list on the right, live.
 */
import { html, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { addDays } from '../../lib/clinic.js';
import { useDaySummaries } from '../../lib/doctor-day.js';
import { ErrorText } from '../../components/common.js';
import { PatientSearch } from './patient-search.js';
import { PatientPanel } from './patient-panel.js';
import { BookingPanel } from './booking.js';
import { BookingResult } from './slip.js';
import { DoctorCards } from './doctor-cards.js';
import { DayList } from './day-list.js';
import { CheckInById } from './checkin-by-id.js';
import { SitePicker, useSiteDoctors } from './site-picker.js';

export function Reception() {
  const { caps, today } = useApp();
  const [date, setDate] = useState(today);
  const [site, setSite] = useState('');
  const [picked, setPicked] = useState(null); // { patient, note }
  const [doctorId, setDoctorId] = useState('');
  const [result, setResult] = useState(null);
  const [listId, setListId] = useState('');
  const doctors = useSiteDoctors(caps.sites ? site : '');
  const { days, error } = useDaySummaries(
    doctors.map((d) => d.id),
    date,
  );

  const select = (patient, note) => {
    setPicked({ patient, note });
    setResult(null);
  };
  const clear = () => {
    setPicked(null);
    setResult(null);
    setDoctorId('');
  };
  const chooseDoctor = (id) => {
    setDoctorId(id);
    setResult(null);
  };

  let left;
  if (!picked) left = html`<${PatientSearch} onSelect=${select} />`;
  else {
    left = html`<${PatientPanel} patient=${picked.patient} note=${picked.note} onClear=${clear}>
      ${
        result
          ? html`<${BookingResult} key=${result.appointment.id} result=${result} onDone=${clear} />`
          : html`<${BookingPanel}
              patient=${picked.patient}
              date=${date}
              days=${days}
              doctorId=${doctorId}
              onDoctor=${chooseDoctor}
              onBooked=${setResult}
            />`
      }
    <//>`;
  }

  return html`<main class="reception" data-testid="reception">
    <div class="toolbar" role="group" aria-label=${t('toolbar.label')}>
      ${caps.sites && html`<${SitePicker} value=${site} onChange=${setSite} />`}
      <div class="toolbar__group">
        <label for="day">${t('toolbar.day')}</label>
        <button type="button" class="btn btn--small" onClick=${() => setDate(addDays(date, -1))} aria-label=${t('toolbar.prevDay')}>
          ‹
        </button>
        <input
          id="day"
          type="date"
          value=${date}
          required
          onInput=${(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
          data-testid="day"
        />
        <button type="button" class="btn btn--small" onClick=${() => setDate(addDays(date, 1))} aria-label=${t('toolbar.nextDay')}>
          ›
        </button>
        ${date !== today && html`<button type="button" class="btn btn--small" onClick=${() => setDate(today)}>${t('toolbar.today')}</button>`}
      </div>
      <${CheckInById} />
    </div>
    <${ErrorText} error=${error} />
    <div class="reception__cols">
      <div class="reception__left">${left}</div>
      <div class="reception__right">
        <${DoctorCards}
          doctors=${doctors}
          days=${days}
          date=${date}
          selectedId=${doctorId}
          canBook=${Boolean(picked && !result)}
          onBook=${chooseDoctor}
          onList=${(id) => setListId(id === listId ? '' : id)}
        />
        ${listId && html`<${DayList} key=${listId + date} doctorId=${listId} date=${date} onClose=${() => setListId('')} />`}
      </div>
    </div>
  </main>`;
}
