/**
 * The order a doctor-day's waiting patients are called in — the one rule, written twice side by side: in
 * TypeScript ({@link waitingRank}, {@link nextClass}) and in SQL ({@link WAITING_RANK_SQL}), which the queue's
 * statements use (call-next takes rank 0; the public view lists waiting entries by rank). A test checks that the
 * two agree (test/unit/waiting-order.test.ts, test/integration/queue-priority.test.ts).
 *
 * The rule (issue 14, after the service-queue systems clinics use — OpenMRS, NovoSGA, Qmatic):
 * - `emergency` always goes first; then `priority` (elderly, pregnant, disability: the clinic's policy); then
 *   `normal`. Within a class, by `queued_at` (check-in time; a requeue is a new check-in; a transfer with
 *   `keep_place` keeps the original time), ties by position.
 * - Against starvation: after `PRIORITY_STREAK` (k) `priority` calls in a row, the next `normal` patient goes
 *   first. The counter row keeps the current streak s (`queue_counters.priority_streak`): a `priority` call adds
 *   one, a `normal` call resets it to 0, an `emergency` call leaves it as it is.
 *
 * The predicted order follows in closed form: the emergencies E (by time), then h = max(k − s, 0) priorities,
 * one normal, k priorities, one normal, … and, once one class runs out, the rest of the other. So with
 * nE, nP, nN waiting in each class and i the 0-based index within the class:
 *   emergency i → i
 *   priority  i → nE + i + min(nN, i < h ? 0 : 1 + ⌊(i − h) / k⌋)
 *   normal    i → nE + i + min(nP, h + i·k)
 */

/** Priorities of a queue entry (`queue_entries.priority`). */
export const PRIORITIES = ['normal', 'priority', 'emergency'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** What the rank of one waiting entry depends on. */
export interface RankInput {
  priority: Priority;
  /** 0-based index of the entry within its class, in (queued_at, position) order. */
  index: number;
  /** How many are waiting in each class. */
  counts: Record<Priority, number>;
  /** The day's current streak of priority calls (s) and PRIORITY_STREAK (k ≥ 1). */
  streak: number;
  limit: number;
}

/** How many people will be called before this entry (0 = next). The TypeScript side of {@link WAITING_RANK_SQL}. */
export function waitingRank({ priority, index, counts, streak, limit }: RankInput): number {
  const h = Math.max(limit - streak, 0);
  if (priority === 'emergency') return index;
  if (priority === 'priority')
    return counts.emergency + index + Math.min(counts.normal, index < h ? 0 : 1 + Math.floor((index - h) / limit));
  return counts.emergency + index + Math.min(counts.priority, h + index * limit);
}

/** The class call-next takes, step by step (the rule as staff state it; {@link waitingRank} is its closed form). */
export function nextClass(counts: Record<Priority, number>, streak: number, limit: number): Priority | null {
  if (counts.emergency > 0) return 'emergency';
  if (counts.priority > 0 && (streak < limit || counts.normal === 0)) return 'priority';
  if (counts.normal > 0) return 'normal';
  return counts.priority > 0 ? 'priority' : null;
}

/** The streak after calling a patient of class `called` (see the rule above). */
export function streakAfter(called: Priority, streak: number): number {
  if (called === 'priority') return streak + 1;
  if (called === 'normal') return 0;
  return streak;
}

/**
 * SQL of the waiting entries of one doctor-day with their rank: `SELECT e.*, ahead FROM (…)`. Placeholders:
 * `$doctorId` (or the given doctor expression), `$date`, `$priorityStreak` (k); `streak` is an SQL expression for s.
 * Mirrors {@link waitingRank} term by term.
 */
export function waitingRankSql(p: { doctor: string; streak: string }): string {
  return `(SELECT w.*, CASE w.priority
             WHEN 'emergency' THEN w.i
             WHEN 'priority' THEN w.n_e + w.i + least(w.n_n, CASE WHEN w.i < w.h THEN 0 ELSE 1 + (w.i - w.h) / $priorityStreak::int END)
             ELSE w.n_e + w.i + least(w.n_p, w.h + w.i * $priorityStreak::int) END AS ahead
        FROM (SELECT q.*, (row_number() OVER (PARTITION BY q.priority ORDER BY q.queued_at, q.position) - 1)::int AS i,
                     (count(*) FILTER (WHERE q.priority = 'emergency') OVER ())::int AS n_e,
                     (count(*) FILTER (WHERE q.priority = 'priority') OVER ())::int AS n_p,
                     (count(*) FILTER (WHERE q.priority = 'normal') OVER ())::int AS n_n,
                     greatest($priorityStreak::int - coalesce(${p.streak}, 0), 0) AS h
                FROM queue_entries q WHERE q.doctor_id = ${p.doctor} AND q.date = $date AND q.status = 'waiting') w)`;
}
