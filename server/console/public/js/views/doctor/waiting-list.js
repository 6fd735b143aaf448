/** The doctor's waiting list (by position, with how long each has waited) and the skipped patients (Requeue). */
import { html, useEffect, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { minutesSince } from '../../lib/clinic.js';
import { EntryActions } from './entry-actions.js';

/** Re-renders every `ms` so wait times move without any request. */
function useTick(ms) {
  const [, setN] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setN((n) => n + 1), ms);
    return () => clearInterval(id);
  }, [ms]);
}

function fullName(e) {
  return `${e.patient.first_name} ${e.patient.last_name || ''}`;
}

/** @param {{ title: string, entries: object[], testid: string, showWait?: boolean }} props */
export function EntryList({ title, entries, testid, showWait }) {
  useTick(30000);
  return html`<section class="panel" aria-labelledby=${testid + '-title'} data-testid=${testid}>
    <h2 id=${testid + '-title'} class="panel__title">${title} <span class="count">${entries.length}</span></h2>
    ${
      !entries.length
        ? html`<p class="muted">${t('doctor.emptyList')}</p>`
        : html`<table class="table">
            <caption class="sr-only">
              ${title}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t('appt.token')}</th>
                <th scope="col">${t('appt.patient')}</th>
                ${showWait && html`<th scope="col">${t('doctor.waited')}</th>`}
                <th scope="col">${t('appt.actions')}</th>
              </tr>
            </thead>
            <tbody>
              ${entries.map(
                (e) =>
                  html`<tr key=${e.queue_entry_id} data-testid=${testid + '-row'}>
                    <td class="mono">${e.token}</td>
                    <td>${fullName(e)}</td>
                    ${showWait && html`<td>${t('doctor.minutes', { n: minutesSince(e.checked_in_at) })}</td>`}
                    <td><${EntryActions} entry=${e} /></td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}
