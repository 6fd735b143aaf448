/**
 * The logged-in frame: header (tabs by role, live status, account, logout), the shared context (API, live
 * queue socket, doctors, clinic day, capabilities) and the active view. Tabs live in the URL fragment.
 */
import { html, useEffect, useMemo, useState } from '../lib/ui.js';
import { t } from '../../i18n/i18n.js';
import { AppContext } from '../lib/app-context.js';
import { createLive } from '../lib/live.js';
import { fetchClinicToday, formatDay } from '../lib/clinic.js';
import { loadCapabilities, NO_CAPABILITIES } from '../lib/capabilities.js';
import { ErrorText } from '../components/common.js';
import { Reception } from './reception/reception.js';
import { DoctorView } from './doctor/doctor-view.js';
import { Screens } from './admin/screens.js';
import { Users } from './admin/users.js';

const TABS = {
  reception: { roles: ['admin', 'reception'], view: Reception },
  doctor: { roles: ['admin', 'doctor'], view: DoctorView },
  screens: { roles: ['admin', 'reception'], view: Screens },
  users: { roles: ['admin'], view: Users },
};

function tabsFor(role) {
  return Object.keys(TABS).filter((name) => TABS[name].roles.includes(role));
}

function currentTab(role) {
  const wanted = location.hash.replace(/^#/, '');
  const allowed = tabsFor(role);
  return allowed.includes(wanted) ? wanted : allowed[0];
}

/** @param {{ session: object, api: object, onLogout: (message?: string) => void }} props */
export function Shell({ session, api, onLogout }) {
  const user = session.user;
  const [tab, setTab] = useState(() => currentTab(user.role));
  const [status, setStatus] = useState('connecting');
  const [boot, setBoot] = useState({ doctors: null, today: null, caps: NO_CAPABILITIES, error: null });
  const [refreshKey, setRefreshKey] = useState(0);
  const live = useMemo(
    () => createLive({ token: session.token, onStatus: setStatus, onRefused: () => onLogout(t('login.expired')) }),
    [session.token],
  );
  useEffect(() => () => live.close(), [live]);

  useEffect(() => {
    const onHash = () => setTab(currentTab(user.role));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    (async () => {
      try {
        const [list, caps] = await Promise.all([api.get('/doctors', { is_active: true, limit: 200 }), loadCapabilities()]);
        const doctors = list.data;
        const today = await fetchClinicToday(api, user.doctor_id || (doctors[0] && doctors[0].id));
        setBoot({ doctors, today, caps, error: null });
      } catch (error) {
        setBoot((b) => ({ ...b, error }));
      }
    })();
  }, []);

  const ctx = useMemo(
    () =>
      boot.doctors && {
        api,
        live,
        user,
        caps: boot.caps,
        today: boot.today,
        doctors: boot.doctors,
        doctorById: Object.fromEntries(boot.doctors.map((d) => [d.id, d])),
        refreshKey,
        changed: () => setRefreshKey((k) => k + 1),
      },
    [boot, refreshKey],
  );

  const View = TABS[tab].view;
  return html`<div class="shell">
    <header class="topbar">
      <span class="topbar__title">${t('app.title')}</span>
      <nav class="tabs" aria-label=${t('nav.label')}>
        ${tabsFor(user.role).map((name) => html`<a href=${'#' + name} class="tab" aria-current=${name === tab ? 'page' : undefined} data-testid=${'tab-' + name}>${t('nav.' + name)}</a>`)}
      </nav>
      <span class="topbar__day">${boot.today && formatDay(boot.today)}</span>
      <span class=${'live live--' + status} role="status" data-testid="live-status" data-status=${status}>${t('live.' + status)}</span>
      <span class="topbar__user" data-testid="current-user">${user.email} · ${t('role.' + user.role)}</span>
      <button type="button" class="btn" onClick=${() => onLogout()} data-testid="logout">${t('nav.logout')}</button>
    </header>
    <${ErrorText} error=${boot.error} testid="boot-error" />
    ${ctx ? html`<${AppContext.Provider} value=${ctx}><${View} key=${tab} /><//>` : !boot.error && html`<p class="loading" role="status">${t('app.loading')}</p>`}
  </div>`;
}
