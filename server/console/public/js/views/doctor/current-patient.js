/**
 * The patient being seen: token, name and age (age from `GET /patients/{id}`, which a doctor may read for their
 * own patients), with Serve / Skip / Recall. Shown in the doctor's view only; never on a public screen.
 */
import { html, useEffect, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { formatTime } from '../../lib/clinic.js';
import { EntryActions } from './entry-actions.js';

/** @param {{ entry: object|null }} props */
export function CurrentPatient({ entry }) {
  const { api } = useApp();
  const [patient, setPatient] = useState(null);
  const patientId = entry && entry.patient.id;
  useEffect(() => {
    setPatient(null);
    if (!patientId) return undefined;
    let stale = false;
    api
      .get(`/patients/${patientId}`)
      .then((p) => {
        if (!stale) setPatient(p);
      })
      .catch(() => {});
    return () => {
      stale = true;
    };
  }, [patientId]);

  if (!entry)
    return html`<section class="panel current current--idle" aria-labelledby="current-title" data-testid="current-patient">
      <h2 id="current-title" class="panel__title">${t('doctor.current')}</h2>
      <p class="muted" data-testid="current-none">${t('doctor.nobody')}</p>
    </section>`;
  const age = patient && patient.age !== null && patient.age !== undefined ? t('patient.age', { age: patient.age }) : '';
  return html`<section class="panel current" aria-labelledby="current-title" data-testid="current-patient">
    <h2 id="current-title" class="panel__title">${t('doctor.current')}</h2>
    <p class=${'current__token mono' + (entry.token.length > 10 ? ' token--long' : '')} data-testid="current-token">${entry.token}</p>
    <p class="current__name" data-testid="current-name">${entry.patient.first_name} ${entry.patient.last_name || ''}</p>
    <p class="muted" data-testid="current-age">
      ${[age, entry.called_at && t('doctor.calledAt', { time: formatTime(entry.called_at) })].filter(Boolean).join(' · ')}
    </p>
    <${EntryActions} entry=${entry} keys big />
  </section>`;
}
