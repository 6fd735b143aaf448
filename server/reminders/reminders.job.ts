import type { DomainEvents } from '../core/events';
import type { Logger } from '../core/logger';
import type { Transactor } from '../core/transaction';
import { addDays, clinicToday } from '../core/clinic-time';
import { reminderBaseTime } from '../appointments/appointment-timing';
import { dueLeads } from './reminder.rules';
import type { ReminderRepository } from './reminders.repository';

/** What the reminder job needs (REMINDER_* settings, the clinic's zone, the event sink). */
export interface ReminderJobDeps {
  tx: Transactor;
  repo: ReminderRepository;
  events: DomainEvents;
  logger: Logger;
  clinicTimezone: string;
  /** Lead hours, e.g. [24, 2]. */
  leadHours: number[];
  /** `HH:MM`: an appointment's time when none is known. */
  dayStart: string;
  intervalMs: number;
}

const PAGE = 1000;
const MAX_PAGES = 50;

/**
 * `appointment.reminder` events, through the webhook outbox — no job library. Every `intervalMs` each instance
 * tries one run in a transaction holding a transaction-scoped advisory lock (others skip that tick); the run finds
 * booked appointments whose reminder moment (time − lead) has passed, records `(appointment, lead)` in
 * `appointment_reminders` (primary key: once, across restarts and instances) and the event in the same
 * transaction. So a reminder is recorded exactly once and, like every event, delivered at least once by the relay.
 */
export function createReminderJob(d: ReminderJobDeps) {
  const maxLead = Math.max(...d.leadHours);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;

  /** One run at `now`. @returns how many reminders were recorded (0 when another instance holds the lock). */
  async function run(now: Date): Promise<number> {
    const today = clinicToday(d.clinicTimezone, now);
    return d.tx(async (t) => {
      if (!(await d.repo.tryLock(t))) return 0;
      let sent = 0;
      let after: { date: string; slot: number; id: string } | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const rows = await d.repo.candidates(
          { from: addDays(today, -1), to: addDays(today, Math.ceil(maxLead / 24) + 1), leads: d.leadHours, after, limit: PAGE },
          t,
        );
        // The page's decisions, recorded in one statement; then an event for each reminder this run recorded as sent.
        const decided = rows.map((a) => {
          const base = reminderBaseTime(a, d.clinicTimezone, d.dayStart);
          return { a, base, ...dueLeads(base.at, d.leadHours, a.done.map(Number), now) };
        });
        const recorded = await d.repo.markMany(
          decided.flatMap(({ a, base, send, skip }) => [
            ...skip.map((lead) => ({ appointmentId: a.id, leadHours: lead, outcome: 'skipped' as const, remindFor: base.at })),
            ...(send === null ? [] : [{ appointmentId: a.id, leadHours: send, outcome: 'sent' as const, remindFor: base.at }]),
          ]),
          t,
        );
        // Nobody to tell: the reminders are recorded as sent all the same (once), and no event is stored.
        const tell = recorded.size > 0 && (await d.events.subscribed('appointment.reminder', t));
        for (const { a, base, send } of decided) {
          if (send === null || !recorded.has(`${a.id}:${send}`)) continue;
          if (!tell) {
            sent++;
            continue;
          }
          const { done: _done, ...appointment } = a;
          await d.events.record(
            'appointment.reminder',
            { appointment, lead_hours: send, remind_for: base.at.toISOString(), time_known: base.timeKnown },
            t,
            { patientId: a.patient_id, doctorId: a.doctor_id, slot: a.slot },
          );
          sent++;
        }
        if (rows.length < PAGE) break;
        const last = rows[rows.length - 1];
        after = { date: last.date, slot: last.slot, id: last.id };
      }
      return sent;
    });
  }

  /** One run now (or at `now`, for tests); runs never overlap within an instance. */
  function runOnce(now: Date = new Date()): Promise<number> {
    running ??= run(now).finally(() => {
      running = null;
    });
    return running;
  }

  return {
    runOnce,
    start() {
      timer = setInterval(() => {
        if (running) return;
        runOnce().catch((err: unknown) => d.logger.warn('reminder run failed; the next run retries', { error: (err as Error).message }));
      }, d.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (running) await running.catch(() => 0);
    },
  };
}
export type ReminderJob = ReturnType<typeof createReminderJob>;
