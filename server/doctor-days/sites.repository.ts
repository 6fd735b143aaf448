import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql } from '../core/sql';
import { Site, toSiteDto, type SiteDto } from './site.model';

/** The fields a site is created or changed with. */
export interface SiteFields {
  code?: string;
  name?: string;
  address?: string | null;
  phone?: string | null;
  timezone?: string;
}

/** Storage of sites; returns plain objects with the effective zone (the default site's NULL zone is `clinicTimezone`). */
export function createSiteRepository(sequelize: Sequelize, clinicTimezone: string) {
  const sites = sequelize.getRepository(Site);
  const sql = createSql(sequelize);
  const dto = (s: Site) => toSiteDto(s, clinicTimezone);
  const codeTaken = (err: unknown): 'code_taken' => {
    if (err instanceof UniqueConstraintError) return 'code_taken';
    throw err;
  };
  return {
    async list(p: { limit: number; offset: number }): Promise<{ rows: SiteDto[]; total: number }> {
      const { rows, count } = await sites.findAndCountAll({
        order: [
          ['is_default', 'DESC'],
          ['code', 'ASC'],
        ],
        limit: p.limit,
        offset: p.offset,
      });
      return { rows: rows.map(dto), total: count };
    },

    /** Every site (there are few), keyed by id. */
    async all(t?: Transaction): Promise<Map<string, SiteDto>> {
      return new Map((await sites.findAll({ transaction: t })).map((s) => [s.id, dto(s)]));
    },

    async findById(id: string, t?: Transaction): Promise<SiteDto | null> {
      const s = await sites.findByPk(id, { transaction: t });
      return s ? dto(s) : null;
    },

    async findDefault(): Promise<SiteDto> {
      return dto((await sites.findOne({ where: { is_default: true } }))!);
    },

    async create(fields: SiteFields & { code: string; name: string; timezone: string }): Promise<SiteDto | 'code_taken'> {
      return sites.create({ ...fields }).then(dto, codeTaken);
    },

    /** Changes a site inside `t` (locked by the caller); `'code_taken'` when the new code is taken. */
    async update(id: string, changes: SiteFields, t: Transaction): Promise<SiteDto | 'code_taken'> {
      try {
        const [, [s]] = await sites.update(changes, { where: { id }, returning: true, transaction: t });
        return dto(s);
      } catch (err) {
        return codeTaken(err);
      }
    },

    /** Locks a site row `FOR UPDATE` inside `t`; false when there is none. */
    async lock(id: string, t: Transaction): Promise<boolean> {
      return (await sql.query('SELECT 1 FROM sites WHERE id = $id FOR UPDATE', { id }, t)).length > 0;
    },

    /** Doctor weekdays that would mix zones if site `id` were in `zone`: `[{doctor_id, weekday}]`. */
    async zoneConflicts(id: string, zone: string, t: Transaction): Promise<Array<{ doctor_id: string; weekday: number }>> {
      return sql.query(
        `SELECT DISTINCT a.doctor_id, a.weekday FROM doctor_sessions a
           JOIN doctor_sessions b ON b.doctor_id = a.doctor_id AND b.weekday = a.weekday AND b.site_id <> a.site_id
           JOIN sites sb ON sb.id = b.site_id
          WHERE a.site_id = $id AND coalesce(sb.timezone, $clinicTimezone) <> $zone`,
        { id, zone, clinicTimezone },
        t,
      );
    },
  };
}
export type SiteRepository = ReturnType<typeof createSiteRepository>;
