/**
 * Inline registration (`POST /patients`). The API normalizes the phone; a 409 PATIENT_EXISTS (same phone and
 * first name) answers with the existing patient's id, which is then selected instead of a duplicate.
 */
import { html, useEffect, useRef, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { useAction, ErrorText, Field, fieldErrors } from '../../components/common.js';

const FIELDS = ['first_name', 'last_name', 'age', 'phone'];

/** @param {{ initial: object, onRegistered: (patient: object, note?: string) => void, onCancel: () => void }} props */
export function RegisterForm({ initial, onRegistered, onCancel }) {
  const { api } = useApp();
  const [form, setForm] = useState(() => ({ first_name: '', last_name: '', age: '', phone: '', ...initial }));
  const action = useAction();
  const [focusName] = useState(() => ['first_name', 'phone', 'last_name', 'age'].find((f) => !form[f]) || 'first_name'); // the first required field left empty
  const focusRef = useRef(null);
  useEffect(() => {
    focusRef.current?.focus();
  }, []);
  const errors = fieldErrors(action.error);

  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      const body = { first_name: form.first_name.trim(), phone: form.phone.trim() };
      if (form.last_name.trim()) body.last_name = form.last_name.trim();
      if (String(form.age).trim() !== '') body.age = Number(form.age);
      try {
        onRegistered(await api.post('/patients', body));
      } catch (err) {
        if (err.code !== 'PATIENT_EXISTS' || !err.details || !err.details.existing_id) throw err;
        onRegistered(await api.get(`/patients/${err.details.existing_id}`), t('register.existing'));
      }
    });
  };

  const input = (name, attrs = {}) =>
    html`<input
      id=${'reg-' + name}
      name=${name}
      value=${form[name]}
      ref=${name === focusName ? focusRef : undefined}
      aria-invalid=${errors[name] ? 'true' : undefined}
      aria-describedby=${errors[name] ? 'reg-' + name + '-error' : undefined}
      onInput=${(e) => setForm((f) => ({ ...f, [name]: e.currentTarget.value }))}
      data-testid=${'reg-' + name}
      ...${attrs}
    />`;

  return html`<section class="panel" aria-labelledby="register-title">
    <h2 id="register-title" class="panel__title">${t('register.title')}</h2>
    <form
      onSubmit=${submit}
      onKeyDown=${(e) => {
        if (e.key === 'Escape') onCancel();
      }}
      data-testid="register-form"
    >
      <div class="grid2">
        <${Field} id="reg-first_name" label=${t('register.firstName')} error=${errors.first_name}
          >${input('first_name', { required: true, autocomplete: 'off' })}<//
        >
        <${Field} id="reg-last_name" label=${t('register.lastName')} error=${errors.last_name}
          >${input('last_name', { autocomplete: 'off' })}<//
        >
        <${Field} id="reg-phone" label=${t('register.phone')} error=${errors.phone} hint=${t('register.phoneHint')}
          >${input('phone', { required: true, inputmode: 'tel', autocomplete: 'off' })}<//
        >
        <${Field} id="reg-age" label=${t('register.age')} error=${errors.age}
          >${input('age', { type: 'number', min: 0, max: 130, inputmode: 'numeric' })}<//
        >
      </div>
      <div class="actions">
        <button type="submit" class="btn btn--primary" disabled=${action.busy} data-testid="register-submit">
          ${t('register.submit')}
        </button>
        <button type="button" class="btn" onClick=${onCancel}>${t('common.cancel')}</button>
      </div>
      ${!FIELDS.some((f) => errors[f]) && html`<${ErrorText} error=${action.error} testid="register-error" />`}
    </form>
  </section>`;
}
