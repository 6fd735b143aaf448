/**
 * Waiting-room screen tokens (`/display-tokens`): mint one for up to four doctors (the page shows four side
 * by side), see its page URL with the token once (and as a QR code for the TV), list and revoke.
 * The token goes in the URL fragment, which browsers never send to a server.
 */
import { html, useEffect, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';
import { formatDateTime } from '../../lib/clinic.js';
import { useAction, ErrorText } from '../../components/common.js';
import { QrCode } from './qr.js';

const MAX_DOCTORS_PER_SCREEN = 4; // server/display/display.routes.ts MAX_DOCTORS_PER_SCREEN

/** The waiting-room page URL for a minted token. */
export function screenUrl(doctorIds, token) {
  const page = doctorIds.length === 1 ? `/display/${doctorIds[0]}` : `/display?doctor_ids=${doctorIds.join(',')}`;
  return `${location.origin}${page}#token=${encodeURIComponent(token)}`;
}

function Minted({ minted, onDone }) {
  const url = screenUrl(minted.doctor_ids, minted.token);
  const select = (e) => e.currentTarget.select();
  return html`<section class="panel minted" aria-labelledby="minted-title" data-testid="minted">
    <h2 id="minted-title" class="panel__title">${t('screens.mintedTitle', { label: minted.label })}</h2>
    <p class="notice">${t('screens.onlyOnce')}</p>
    <label for="minted-url">${t('screens.url')}</label>
    <input id="minted-url" class="mono" readonly value=${url} onFocus=${select} data-testid="minted-url" />
    <${QrCode} text=${url} label=${t('screens.qr')} />
    <div class="actions"><button type="button" class="btn" onClick=${onDone}>${t('common.done')}</button></div>
  </section>`;
}

/** Revoke with a confirm step: a revoked TV goes blank at once. */
function RevokeButton({ screen, action, onRevoked }) {
  const { api } = useApp();
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return html`<button
      type="button"
      class="btn"
      onClick=${() => setConfirming(true)}
      aria-label=${t('screens.revokeNamed', { label: screen.label })}
      data-testid="screen-revoke"
    >
      ${t('screens.revoke')}
    </button>`;
  }
  return html`<span class="confirm"
    >${t('screens.confirmRevoke')}
    <button
      type="button"
      class="btn btn--danger"
      disabled=${action.busy}
      data-testid="confirm-yes"
      onClick=${() =>
        action.run(async () => {
          await api.del(`/display-tokens/${screen.id}`);
          onRevoked();
        })}
    >
      ${t('common.yes')}
    </button>
    <button type="button" class="btn" onClick=${() => setConfirming(false)}>${t('common.no')}</button></span
  >`;
}

export function Screens() {
  const { api, doctors, doctorById } = useApp();
  const [label, setLabel] = useState('');
  const [chosen, setChosen] = useState([]);
  const [minted, setMinted] = useState(null);
  const [list, setList] = useState({ rows: null, error: null, n: 0 });
  const mint = useAction();
  const revoke = useAction();
  const reload = () => setList((l) => ({ ...l, n: l.n + 1 }));

  useEffect(() => {
    api
      .get('/display-tokens', { limit: 200 })
      .then((page) => setList((l) => ({ ...l, rows: page.data, error: null })))
      .catch((error) => setList((l) => ({ ...l, error })));
  }, [list.n]);

  const toggle = (id) =>
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : c.length < MAX_DOCTORS_PER_SCREEN ? [...c, id] : c));
  const submit = (e) => {
    e.preventDefault();
    mint.run(async () => {
      setMinted(await api.post('/display-tokens', { label: label.trim(), doctor_ids: chosen }));
      setLabel('');
      setChosen([]);
      reload();
    });
  };

  return html`<main class="admin" data-testid="screens">
    <div class="admin__cols">
      <section class="panel" aria-labelledby="mint-title">
        <h2 id="mint-title" class="panel__title">${t('screens.mintTitle')}</h2>
        <form onSubmit=${submit} data-testid="mint-form">
          <div class="field">
            <label for="screen-label">${t('screens.label')}</label>
            <input
              id="screen-label"
              required
              maxlength="100"
              value=${label}
              onInput=${(e) => setLabel(e.currentTarget.value)}
              data-testid="screen-label"
            />
          </div>
          <fieldset class="checks">
            <legend>${t('screens.doctors', { max: MAX_DOCTORS_PER_SCREEN })}</legend>
            ${doctors.map(
              (d) =>
                html`<label class="check"
                  ><input
                    type="checkbox"
                    checked=${chosen.includes(d.id)}
                    onChange=${() => toggle(d.id)}
                    disabled=${!chosen.includes(d.id) && chosen.length >= MAX_DOCTORS_PER_SCREEN}
                    data-testid=${'screen-doctor-' + d.id}
                  />
                  ${d.name}</label
                >`,
            )}
          </fieldset>
          <button type="submit" class="btn btn--primary" disabled=${mint.busy || !chosen.length || !label.trim()} data-testid="mint-submit">
            ${t('screens.mint')}
          </button>
          <${ErrorText} error=${mint.error} />
        </form>
      </section>
      ${minted && html`<${Minted} minted=${minted} onDone=${() => setMinted(null)} />`}
    </div>
    <section class="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title" class="panel__title">${t('screens.listTitle')}</h2>
      <${ErrorText} error=${list.error || revoke.error} />
      ${
        list.rows &&
        (!list.rows.length
          ? html`<p class="muted">${t('screens.none')}</p>`
          : html`<table class="table" data-testid="screen-list">
              <caption class="sr-only">
                ${t('screens.listTitle')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t('screens.label')}</th>
                  <th scope="col">${t('screens.doctorsCol')}</th>
                  <th scope="col">${t('screens.created')}</th>
                  <th scope="col">${t('appt.actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${list.rows.map(
                  (s) =>
                    html`<tr key=${s.id} data-testid="screen-row">
                      <td>${s.label}</td>
                      <td>${s.doctor_ids.map((id) => (doctorById[id] ? doctorById[id].name : id)).join(', ')}</td>
                      <td>${formatDateTime(s.created_at)}</td>
                      <td><${RevokeButton} screen=${s} action=${revoke} onRevoked=${reload} /></td>
                    </tr>`,
                )}
              </tbody>
            </table>`)
      }
    </section>
  </main>`;
}
