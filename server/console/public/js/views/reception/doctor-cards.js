/**
 * The doctors of the day as cards: sessions and room (when the server has them), booked / capacity, checked in,
 * waiting and now calling, live. Doctors not working that day are listed in one line below.
 */
import { html, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { checkedInCount, useLiveQueue } from '../../lib/doctor-day.js';

const MAX_CARDS = 24; // each card is a live subscription and two reads; more than a desk can watch anyway

/** "09:00–13:00 · Room 4": a day's sessions, once the API has weekly sessions (`day.sessions`). */
function sessionsText(day) {
  if (!day || !Array.isArray(day.sessions) || !day.sessions.length) return day && day.room ? t('card.room', { room: day.room }) : '';
  return day.sessions
    .map((s) =>
      [s.start_time && s.end_time ? `${s.start_time}–${s.end_time}` : '', s.room ? t('card.room', { room: s.room }) : '']
        .filter(Boolean)
        .join(' · '),
    )
    .join(', ');
}

function Stat({ label, value, testid }) {
  return html`<div class="stat">
    <dt>${label}</dt>
    <dd data-testid=${testid}>${value === null || value === undefined ? '…' : value}</dd>
  </div>`;
}

function DoctorCard({ doctor, day, date, selected, canBook, onBook, onList }) {
  const { snapshot, staff } = useLiveQueue(doctor.id, date, { staff: true });
  const id = doctor.id;
  const full = day && day.remaining === 0;
  const sessions = sessionsText(day);
  return html`<article
    class=${'card' + (selected ? ' card--selected' : '')}
    aria-labelledby=${'card-title-' + id}
    data-testid=${'doctor-card-' + id}
    data-version=${snapshot ? snapshot.version : ''}
  >
    <header class="card__head">
      <h3 id=${'card-title-' + id} class="card__title">${doctor.name}</h3>
      <span class="card__code mono">${doctor.code}</span>
      ${full && html`<span class="badge badge--full">${t('card.full')}</span>`}
    </header>
    <p class="card__sub">${[doctor.specialty, sessions].filter(Boolean).join(' · ')}</p>
    <dl class="stats">
      <${Stat} label=${t('card.booked')} value=${day ? `${day.booked} / ${day.capacity}` : null} testid=${'card-booked-' + id} />
      <${Stat} label=${t('card.checkedIn')} value=${checkedInCount(staff)} testid=${'card-checked-in-' + id} />
      <${Stat} label=${t('card.waiting')} value=${snapshot ? snapshot.waiting.length : null} testid=${'card-waiting-' + id} />
      <${Stat}
        label=${t('card.nowCalling')}
        value=${snapshot ? (snapshot.now_serving ? snapshot.now_serving.token : '—') : null}
        testid=${'card-now-' + id}
      />
    </dl>
    <div class="actions">
      ${
        canBook &&
        html`<button
          type="button"
          class="btn btn--primary"
          disabled=${!day || !day.bookable}
          onClick=${() => onBook(id)}
          aria-label=${t('card.bookWith', { doctor: doctor.name })}
          data-testid=${'card-book-' + id}
        >
          ${t('card.book')}
        </button>`
      }
      <button
        type="button"
        class="btn"
        onClick=${() => onList(id)}
        aria-label=${t('card.listOf', { doctor: doctor.name })}
        data-testid=${'card-list-' + id}
      >
        ${t('card.list')}
      </button>
    </div>
  </article>`;
}

/**
 * @param {{ days: Record<string, object>, date: string, selectedId: string, canBook: boolean,
 *   onBook: (doctorId: string) => void, onList: (doctorId: string) => void, doctors: object[] }} props
 */
export function DoctorCards({ doctors, days, date, selectedId, canBook, onBook, onList }) {
  const [filter, setFilter] = useState('');
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (d) => words.every((w) => `${d.name} ${d.code} ${d.specialty || ''}`.toLowerCase().includes(w));
  const working = doctors.filter((d) => (!days[d.id] || days[d.id].is_present) && matches(d));
  const away = doctors.filter((d) => days[d.id] && !days[d.id].is_present);
  const shown = working.slice(0, MAX_CARDS);
  return html`<section aria-labelledby="cards-title" class="cards-section">
    <h2 id="cards-title" class="sr-only">${t('card.sectionTitle')}</h2>
    ${!doctors.length && html`<p class="muted">${t('card.noDoctors')}</p>`}
    ${
      doctors.length > 6 &&
      html`<div class="field field--inline">
        <label for="doctor-filter">${t('card.filter')}</label>
        <input id="doctor-filter" type="search" autocomplete="off" value=${filter} onInput=${(e) => setFilter(e.currentTarget.value)} />
        ${working.length > shown.length && html`<small class="hint">${t('card.more', { shown: shown.length, total: working.length })}</small>`}
      </div>`
    }
    <div class="cards">
      ${shown.map(
        (d) =>
          html`<${DoctorCard}
            key=${d.id + date}
            doctor=${d}
            day=${days[d.id]}
            date=${date}
            selected=${d.id === selectedId}
            canBook=${canBook}
            onBook=${onBook}
            onList=${onList}
          />`,
      )}
    </div>
    ${away.length > 0 && html`<p class="muted" data-testid="doctors-away">${t('card.away')}: ${away.map((d) => d.name).join(', ')}</p>`}
  </section>`;
}
