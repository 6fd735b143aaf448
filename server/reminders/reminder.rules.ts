/**
 * Which reminder lead times are due now for one appointment: every lead `L` not handled yet with
 * `base − L hours ≤ now < base` (base: the appointment's time, or the day-start fallback). Only the nearest of them
 * (the smallest lead) is sent; larger ones due at the same moment are skipped, so an appointment booked late gets
 * one reminder, not a burst. Nothing is due once the appointment's time has passed.
 * @returns `{send, skip}` lead hours (send null when nothing is due).
 */
export function dueLeads(base: Date, leads: number[], done: number[], now: Date): { send: number | null; skip: number[] } {
  if (now.getTime() >= base.getTime()) return { send: null, skip: [] };
  const due = leads.filter((l) => !done.includes(l) && now.getTime() >= base.getTime() - l * 3_600_000).sort((a, b) => a - b);
  if (!due.length) return { send: null, skip: [] };
  return { send: due[0], skip: due.slice(1) };
}
