import { Conflict, NotFound } from '../core/errors';
import { page } from '../core/schemas';
import type { Transactor } from '../core/transaction';
import type { SiteDto } from './site.model';
import type { SiteFields, SiteRepository } from './sites.repository';

const notFound = () => new NotFound('No site with this id', 'SITE_NOT_FOUND');
const codeTaken = () => new Conflict('SITE_CODE_TAKEN', 'Another site already has this code');
const blankToNull = (v: string | null | undefined) => (v === '' ? null : v);

/** Sites: where doctors see patients, each in its own time zone. */
export function createSitesService({ repo, tx }: { repo: SiteRepository; tx: Transactor }) {
  return {
    /** `{data, total, limit, offset}`, the default site first. */
    async list(p: { limit: number; offset: number }) {
      const { rows, total } = await repo.list(p);
      return page(rows, total, p.limit, p.offset);
    },

    /** @throws NotFound `SITE_NOT_FOUND` */
    async get(id: string): Promise<SiteDto> {
      const s = await repo.findById(id);
      if (!s) throw notFound();
      return s;
    },

    /** @throws Conflict `SITE_CODE_TAKEN` */
    async create(input: SiteFields & { code: string; name: string; timezone: string }): Promise<SiteDto> {
      const s = await repo.create({ ...input, address: blankToNull(input.address), phone: blankToNull(input.phone) });
      if (s === 'code_taken') throw codeTaken();
      return s;
    },

    /**
     * Changes a site. A new zone is refused while some doctor works at this site and at a site in another zone
     * on the same weekday (a doctor-day has one zone).
     * @throws NotFound `SITE_NOT_FOUND` · Conflict `SITE_CODE_TAKEN`, `SITE_ZONE_CONFLICT` (details `{conflicts: [{doctor_id, weekday}]}`)
     */
    async update(id: string, input: SiteFields): Promise<SiteDto> {
      return tx(async (t) => {
        if (!(await repo.lock(id, t))) throw notFound();
        if (input.timezone) {
          const conflicts = await repo.zoneConflicts(id, input.timezone, t);
          if (conflicts.length) {
            throw new Conflict('SITE_ZONE_CONFLICT', 'Some doctors work here and at a site in another zone on the same weekday', {
              conflicts,
            });
          }
        }
        const changes: SiteFields = { ...input };
        if (changes.address !== undefined) changes.address = blankToNull(changes.address);
        if (changes.phone !== undefined) changes.phone = blankToNull(changes.phone);
        const s = await repo.update(id, changes, t);
        if (s === 'code_taken') throw codeTaken();
        return s;
      });
    },
  };
}
export type SitesService = ReturnType<typeof createSitesService>;
