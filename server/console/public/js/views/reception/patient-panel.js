/** The selected patient: who they are and their appointments from today on, with the same row actions. */
import { html, useEffect, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { useShortcut } from '../../lib/shortcuts.js';
import { ErrorText } from '../../components/common.js';
import { AppointmentTable } from './appointments.js';

/**
 * @param {{ patient: object, note?: string, onClear: () => void, children?: any }} props  `children` (the booking
 *   panel or its answer) go between who the patient is and their appointments, where the eye is.
 */
export function PatientPanel({ patient, note, onClear, children }) {
  const { api, today, refreshKey } = useApp();
  const [state, setState] = useState({ rows: null, error: null });
  useShortcut('Escape', onClear);
  useEffect(() => {
    let stale = false;
    api
      .get(`/patients/${patient.id}/appointments`, { limit: 20 })
      .then((page) => {
        if (!stale) setState({ rows: page.data.filter((a) => a.date >= today), error: null });
      })
      .catch((error) => {
        if (!stale) setState({ rows: [], error });
      });
    return () => {
      stale = true;
    };
  }, [patient.id, refreshKey]);

  return html`<section class="panel" aria-labelledby="patient-title" data-testid="patient-panel">
      <div class="panel__head">
        <h2 id="patient-title" class="panel__title" data-testid="patient-name">${patient.first_name} ${patient.last_name || ''}</h2>
        <button type="button" class="btn" onClick=${onClear} aria-keyshortcuts="Escape" data-testid="patient-clear">
          ${t('patient.change')}
        </button>
      </div>
      <p class="muted">
        ${patient.age !== null && patient.age !== undefined ? t('patient.age', { age: patient.age }) + ' · ' : ''}<span class="mono"
          >${patient.phone}</span
        >
      </p>
      ${note && html`<p class="notice" role="status" data-testid="patient-note">${note}</p>`}
    </section>
    ${children}
    <section class="panel" aria-labelledby="upcoming-title">
      <h3 id="upcoming-title" class="subtitle">${t('patient.upcoming')}</h3>
      <${ErrorText} error=${state.error} />
      ${state.rows && html`<${AppointmentTable} rows=${state.rows} label=${t('patient.upcoming')} showDate />`}
    </section>`;
}
