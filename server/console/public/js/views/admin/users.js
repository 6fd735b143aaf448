/**
 * Staff accounts (admin only, `/users`): create (a doctor account is bound to a doctor), deactivate or
 * reactivate, reset a password. The API closes a changed account's live sockets itself.
 */
import { html, useEffect, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { useAction, ErrorText, Field, fieldErrors } from '../../components/common.js';

const ROLES = ['reception', 'doctor', 'admin'];
const PAGE = 50;

function CreateUser({ onCreated }) {
  const { api, doctors } = useApp();
  const [form, setForm] = useState({ email: '', password: '', role: 'reception', doctor_id: '' });
  const action = useAction();
  const errors = fieldErrors(action.error);
  const set = (name) => (e) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [name]: value }));
  };
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      const body = { email: form.email.trim(), password: form.password, role: form.role };
      if (form.role === 'doctor') body.doctor_id = form.doctor_id || null;
      await api.post('/users', body);
      setForm({ email: '', password: '', role: form.role, doctor_id: '' });
      onCreated();
    });
  };
  return html`<section class="panel" aria-labelledby="user-new-title">
    <h2 id="user-new-title" class="panel__title">${t('users.createTitle')}</h2>
    <form onSubmit=${submit} data-testid="user-form">
      <${Field} id="user-email" label=${t('users.email')} error=${errors.email}>
        <input
          id="user-email"
          type="email"
          required
          autocomplete="off"
          value=${form.email}
          onInput=${set('email')}
          data-testid="user-email"
      /><//>
      <${Field} id="user-password" label=${t('users.password')} error=${errors.password} hint=${t('users.passwordHint')}>
        <input
          id="user-password"
          type="password"
          required
          minlength="12"
          autocomplete="new-password"
          value=${form.password}
          onInput=${set('password')}
          data-testid="user-password"
      /><//>
      <${Field} id="user-role" label=${t('users.role')} error=${errors.role}>
        <select id="user-role" value=${form.role} onChange=${set('role')} data-testid="user-role">
          ${ROLES.map((r) => html`<option value=${r}>${t('role.' + r)}</option>`)}
        </select><//
      >
      ${
        form.role === 'doctor' &&
        html`<${Field} id="user-doctor" label=${t('users.doctor')} error=${errors.doctor_id}>
          <select id="user-doctor" required value=${form.doctor_id} onChange=${set('doctor_id')} data-testid="user-doctor">
            <option value="">${t('book.chooseDoctor')}</option>
            ${doctors.map((d) => html`<option value=${d.id}>${d.name} (${d.code})</option>`)}
          </select><//
        >`
      }
      <button type="submit" class="btn btn--primary" disabled=${action.busy} data-testid="user-submit">${t('users.create')}</button>
      ${!Object.keys(errors).length && html`<${ErrorText} error=${action.error} testid="user-error" />`}
    </form>
  </section>`;
}

function UserRow({ u, me, onChanged }) {
  const { api, doctorById } = useApp();
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const action = useAction();
  const patch = (body, message) =>
    action.run(async () => {
      await api.patch(`/users/${u.id}`, body);
      setDone(message);
      setResetting(false);
      setPassword('');
      onChanged();
    });
  const doctor = u.doctor_id && doctorById[u.doctor_id];
  return html`<tr data-testid="user-row" data-email=${u.email} data-active=${String(u.is_active)}>
    <td>${u.email}</td>
    <td>${t('role.' + u.role)}${doctor ? ' · ' + doctor.name : ''}</td>
    <td>${u.is_active ? t('users.active') : t('users.inactive')}</td>
    <td>
      <div class="row-actions">
        ${
          u.id !== me &&
          html`<button
            type="button"
            class="btn"
            disabled=${action.busy}
            data-testid="user-toggle"
            aria-label=${t(u.is_active ? 'users.deactivateNamed' : 'users.activateNamed', { email: u.email })}
            onClick=${() => patch({ is_active: !u.is_active }, '')}
          >
            ${u.is_active ? t('users.deactivate') : t('users.activate')}
          </button>`
        }
        ${
          resetting
            ? html`<form
                class="inline-form"
                onSubmit=${(e) => {
                  e.preventDefault();
                  patch({ password }, t('users.passwordSet'));
                }}
              >
                <label for=${'pw-' + u.id}>${t('users.newPassword')}</label>
                <input
                  id=${'pw-' + u.id}
                  type="password"
                  minlength="12"
                  required
                  autocomplete="new-password"
                  value=${password}
                  onInput=${(e) => setPassword(e.currentTarget.value)}
                  data-testid="user-new-password"
                />
                <button type="submit" class="btn btn--primary" disabled=${action.busy} data-testid="user-password-save">
                  ${t('common.save')}
                </button>
                <button type="button" class="btn" onClick=${() => setResetting(false)}>${t('common.back')}</button>
              </form>`
            : html`<button
                type="button"
                class="btn"
                onClick=${() => setResetting(true)}
                aria-label=${t('users.resetNamed', { email: u.email })}
                data-testid="user-reset"
              >
                ${t('users.reset')}
              </button>`
        }
        ${done && html`<span class="notice" role="status">${done}</span>`}
        <${ErrorText} error=${action.error} testid="user-row-error" />
      </div>
    </td>
  </tr>`;
}

export function Users() {
  const { api, user } = useApp();
  const [state, setState] = useState({ rows: null, total: 0, error: null, n: 0 });
  const [offset, setOffset] = useState(0);
  const reload = () => setState((s) => ({ ...s, n: s.n + 1 }));
  useEffect(() => {
    api
      .get('/users', { limit: PAGE, offset })
      .then((page) => setState((s) => ({ ...s, rows: page.data, total: page.total, error: null })))
      .catch((error) => setState((s) => ({ ...s, error })));
  }, [state.n, offset]);
  return html`<main class="admin" data-testid="users">
    <div class="admin__cols">
      <${CreateUser} onCreated=${reload} />
      <section class="panel admin__wide" aria-labelledby="users-title">
        <h2 id="users-title" class="panel__title">${t('users.listTitle')}</h2>
        <${ErrorText} error=${state.error} />
        ${
          state.rows &&
          html`<table class="table" data-testid="user-list">
            <caption class="sr-only">
              ${t('users.listTitle')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t('users.email')}</th>
                <th scope="col">${t('users.role')}</th>
                <th scope="col">${t('users.state')}</th>
                <th scope="col">${t('appt.actions')}</th>
              </tr>
            </thead>
            <tbody>
              ${state.rows.map((u) => html`<${UserRow} key=${u.id} u=${u} me=${user.id} onChanged=${reload} />`)}
            </tbody>
          </table>`
        }
        ${
          state.total > PAGE &&
          html`<div class="actions pager">
            <button type="button" class="btn" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>
              ${t('common.previous')}
            </button>
            <span role="status"
              >${t('common.range', { from: offset + 1, to: Math.min(offset + PAGE, state.total), total: state.total })}</span
            >
            <button type="button" class="btn" disabled=${offset + PAGE >= state.total} onClick=${() => setOffset(offset + PAGE)}>
              ${t('common.next')}
            </button>
          </div>`
        }
      </section>
    </div>
  </main>`;
}
