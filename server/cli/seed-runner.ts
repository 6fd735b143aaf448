import type { Sequelize } from 'sequelize-typescript';
import type { Logger } from '../core/logger';
import { createSeeder } from '../core/migrator';

/** Runs pending seeders (each runs once; each is itself idempotent). Returns the names run. */
export async function runSeeders(sequelize: Sequelize, logger: Logger): Promise<string[]> {
  return (await createSeeder(sequelize, logger).up()).map((m) => m.name);
}
