/**
 * Free start times of a doctor-day, for servers with timed slots (`GET /doctors/{id}/slots?date=`; shown only when
 * capabilities.slots says the route exists). The chosen time is sent as `start_time` on booking; without a
 * choice the lowest free token is booked, as without slots. The answer is `{timezone, slots: [{slot, start_time,
 * estimated_time, room, status}]}`; free timed slots (a `start_time` and `status: free`) are offered.
 */
import { html, useEffect, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { ErrorText } from '../../components/common.js';

/** @param {{ doctorId: string, date: string, value: string, onChange: (startTime: string) => void }} props */
export function SlotPicker({ doctorId, date, value, onChange }) {
  const { api, refreshKey } = useApp();
  const [state, setState] = useState({ slots: null, error: null });
  useEffect(() => {
    let stale = false;
    api
      .get(`/doctors/${doctorId}/slots`, { date })
      .then((res) => {
        if (!stale) setState({ slots: (res.slots || []).filter((s) => s.start_time && s.status === 'free'), error: null });
      })
      .catch((error) => {
        if (!stale) setState({ slots: [], error });
      });
    return () => {
      stale = true;
    };
  }, [doctorId, date, refreshKey]);

  if (!state.slots) return html`<p class="muted" role="status">${t('slots.loading')}</p>`;
  return html`<fieldset class="slots" data-testid="slot-picker">
    <legend>${t('slots.legend')}</legend>
    <label class="slot"
      ><input type="radio" name="slot" value="" checked=${!value} onChange=${() => onChange('')} /> ${t('slots.lowest')}</label
    >
    ${state.slots.map((s) => html`<label class="slot"><input type="radio" name="slot" value=${s.start_time} checked=${value === s.start_time} onChange=${() => onChange(s.start_time)} /> ${s.start_time}</label>`)}
    ${!state.slots.length && !state.error && html`<p class="muted">${t('slots.none')}</p>`}
    <${ErrorText} error=${state.error} />
  </fieldset>`;
}
