import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import { Conflict, NotFound } from '../core/errors';
import { page } from '../core/schemas';
import { Doctor, toDoctorDto, type DoctorDto } from './doctor.model';

export interface DoctorInput {
  name?: string; code?: string; specialty?: string | null; default_daily_capacity?: number; working_days?: number[]; is_active?: boolean;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function duplicateCode(err: unknown): never {
  if (err instanceof UniqueConstraintError) throw new Conflict('DOCTOR_CODE_TAKEN', 'Another doctor already has this code');
  throw err;
}

/**
 * Loads a doctor or throws. Used by every feature that takes a doctor id.
 * @throws NotFound `DOCTOR_NOT_FOUND`
 */
export async function findDoctorOrThrow(id: string): Promise<Doctor> {
  const d = await Doctor.findByPk(id);
  if (!d) throw new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
  return d;
}

/** @throws Conflict `DOCTOR_CODE_TAKEN` */
export async function createDoctor(input: DoctorInput & { name: string; code: string }): Promise<DoctorDto> {
  const d = await Doctor.create({ ...input, specialty: input.specialty || null }).catch(duplicateCode);
  return toDoctorDto(d);
}

/** @throws NotFound `DOCTOR_NOT_FOUND` · Conflict `DOCTOR_CODE_TAKEN` */
export async function updateDoctor(id: string, input: DoctorInput): Promise<DoctorDto> {
  const d = await findDoctorOrThrow(id);
  const changes = { ...input };
  if (changes.specialty === '') changes.specialty = null;
  await d.update(changes).catch(duplicateCode);
  return toDoctorDto(d);
}

/** Lists doctors filtered by specialty (exact, case-insensitive), name/code words and activity; ordered by name. */
export async function listDoctors(params: { specialty?: string; q?: string; is_active?: boolean; limit: number; offset: number }) {
  const and: WhereOptions[] = [];
  if (params.specialty) and.push({ specialty: { [Op.iLike]: escapeLike(params.specialty) } });
  if (params.is_active !== undefined) and.push({ is_active: params.is_active });
  if (params.q) {
    const like = `%${escapeLike(params.q)}%`;
    and.push({ [Op.or]: [{ name: { [Op.iLike]: like } }, { code: { [Op.iLike]: like } }] });
  }
  const { rows, count } = await Doctor.findAndCountAll({
    where: and.length ? { [Op.and]: and } : {}, order: [['name', 'ASC'], ['id', 'ASC']], limit: params.limit, offset: params.offset,
  });
  return page(rows.map(toDoctorDto), count, params.limit, params.offset);
}
