/**
 * Patient search as you type: digits search by phone (`GET /patients?phone=`, normalized by the API as on
 * registration), words by name (`?q=`). ↑/↓ move, Enter picks; when nothing matches, Enter opens the inline
 * registration form with what was typed.
 */
import { html, useEffect, useRef, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { useShortcut } from '../../lib/shortcuts.js';
import { ErrorText } from '../../components/common.js';
import { RegisterForm } from './register-form.js';

const DEBOUNCE_MS = 250;
const LIMIT = 8;

/** Digits, spaces, dashes, brackets and an optional leading + : a phone number being typed. */
export function looksLikePhone(text) {
  return /^\+?[\d\s\-()]+$/.test(text) && text.replace(/\D/g, '').length >= 3;
}

/** @param {{ onSelect: (patient: object, note?: string) => void }} props */
export function PatientSearch({ onSelect }) {
  const { api } = useApp();
  const [text, setText] = useState('');
  const [result, setResult] = useState({ query: '', rows: [], total: 0, state: 'idle', error: null });
  const [active, setActive] = useState(0);
  const [registering, setRegistering] = useState(false);
  const input = useRef(null);
  useShortcut('/', () => {
    setRegistering(false);
    input.current?.focus();
  });
  useEffect(() => {
    input.current?.focus();
  }, []);

  useEffect(() => {
    const query = text.trim();
    const phone = looksLikePhone(query);
    if (query.length < 2 || (phone && query.replace(/\D/g, '').length < 6)) {
      setResult({ query, rows: [], total: 0, state: 'idle', error: null });
      return undefined;
    }
    let stale = false;
    setResult((r) => ({ ...r, state: 'searching' }));
    const timer = setTimeout(async () => {
      try {
        const page = await api.get('/patients', phone ? { phone: query, limit: LIMIT } : { q: query, limit: LIMIT });
        if (!stale) {
          setResult({ query, rows: page.data, total: page.total, state: 'done', error: null });
          setActive(0);
        }
      } catch (error) {
        // An incomplete number is 400 from the API: say "keep typing", not "error".
        if (!stale) setResult({ query, rows: [], total: 0, state: phone && error.status === 400 ? 'partial' : 'error', error });
      }
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text]);

  const rows = result.rows;
  const notFound = result.state === 'done' && rows.length === 0;
  const onKeyDown = (e) => {
    if (e.key === 'ArrowDown' && rows.length) {
      e.preventDefault();
      setActive((a) => Math.min(rows.length - 1, a + 1));
    } else if (e.key === 'ArrowUp' && rows.length) {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (rows[active]) onSelect(rows[active]);
      else if (notFound || result.state === 'partial') setRegistering(true);
    } else if (e.key === 'Escape') {
      setText('');
    }
  };

  if (registering) {
    const query = text.trim();
    const initial = looksLikePhone(query)
      ? { phone: query }
      : { first_name: query.split(/\s+/)[0] || '', last_name: query.split(/\s+/).slice(1).join(' ') };
    return html`<${RegisterForm}
      initial=${initial}
      onRegistered=${onSelect}
      onCancel=${() => {
        setRegistering(false);
        setTimeout(() => input.current?.focus());
      }}
    />`;
  }

  return html`<section class="panel" aria-labelledby="search-title">
    <h2 id="search-title" class="panel__title">${t('search.title')} <kbd aria-hidden="true">/</kbd></h2>
    <div class="field">
      <label for="patient-search">${t('search.label')}</label>
      <input
        id="patient-search"
        ref=${input}
        type="search"
        autocomplete="off"
        value=${text}
        placeholder=${t('search.placeholder')}
        role="combobox"
        aria-expanded=${rows.length > 0}
        aria-controls="patient-results"
        aria-autocomplete="list"
        aria-activedescendant=${rows[active] ? 'patient-option-' + rows[active].id : undefined}
        aria-keyshortcuts="/"
        onInput=${(e) => setText(e.currentTarget.value)}
        onKeyDown=${onKeyDown}
        data-testid="patient-search"
      />
    </div>
    <p class="muted" role="status" data-testid="search-status">
      ${
        result.state === 'searching'
          ? t('search.searching')
          : result.state === 'partial'
            ? t('search.partialPhone')
            : notFound
              ? t('search.none')
              : result.total > rows.length
                ? t('search.more', { shown: rows.length, total: result.total })
                : ''
      }
    </p>
    ${result.state === 'error' && html`<${ErrorText} error=${result.error} testid="search-error" />`}
    <ul id="patient-results" class="results" role="listbox" aria-label=${t('search.results')}>
      ${rows.map(
        (p, i) =>
          html`<li
            id=${'patient-option-' + p.id}
            role="option"
            aria-selected=${i === active}
            class=${'results__row' + (i === active ? ' is-active' : '')}
            onClick=${() => onSelect(p)}
            data-testid="patient-result"
          >
            <strong>${p.first_name} ${p.last_name || ''}</strong>
            <span>${p.age !== null && p.age !== undefined ? t('patient.age', { age: p.age }) : ''}</span>
            <span class="mono">${p.phone}</span>
          </li>`,
      )}
    </ul>
    <button type="button" class="btn" onClick=${() => setRegistering(true)} data-testid="register-open">${t('search.register')}</button>
  </section>`;
}
