/**
 * Site picker, for servers whose schedules have sites (capabilities.sites: `GET /sites` exists). Choosing a site
 * narrows the doctors to that site's (`GET /doctors?site_id=`); "All sites" shows every doctor.
 */
import { html, useEffect, useState } from '../../lib/ui.js';
import { t } from '../../../i18n/i18n.js';
import { useApp } from '../../lib/app-context.js';

/** The doctors to show: every active doctor, or those of `siteId` when a site is chosen. */
export function useSiteDoctors(siteId) {
  const { api, doctors } = useApp();
  const [siteDoctors, setSiteDoctors] = useState(null);
  useEffect(() => {
    if (!siteId) {
      setSiteDoctors(null);
      return undefined;
    }
    let stale = false;
    api
      .get('/doctors', { is_active: true, site_id: siteId, limit: 200 })
      .then((page) => {
        if (!stale) setSiteDoctors(page.data);
      })
      .catch(() => {
        if (!stale) setSiteDoctors(null);
      });
    return () => {
      stale = true;
    };
  }, [siteId]);
  return siteDoctors || doctors;
}

/** @param {{ value: string, onChange: (siteId: string) => void }} props */
export function SitePicker({ value, onChange }) {
  const { api } = useApp();
  const [sites, setSites] = useState([]);
  useEffect(() => {
    api
      .get('/sites', { limit: 200 })
      .then((page) => setSites(Array.isArray(page) ? page : page.data || []))
      .catch(() => setSites([]));
  }, []);
  if (!sites.length) return null;
  return html`<div class="toolbar__group">
    <label for="site">${t('toolbar.site')}</label>
    <select id="site" value=${value} onChange=${(e) => onChange(e.currentTarget.value)} data-testid="site-picker">
      <option value="">${t('toolbar.allSites')}</option>
      ${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
    </select>
  </div>`;
}
