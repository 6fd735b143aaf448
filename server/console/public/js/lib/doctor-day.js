/**
 * Data hooks for doctor-days. The live part is the public queue snapshot over Socket.IO; whatever needs names
 * or counts the snapshot lacks is read over REST when the snapshot's version moves, so every client follows
 * the same versioned stream and nobody polls the queue.
 */
import { useEffect, useRef, useState } from './ui.js';
import { useApp } from './app-context.js';

const SUMMARY_REFRESH_MS = 60000; // bookings made at other desks emit no queue event; a minute is fresh enough

/**
 * `GET /doctors/{id}/days/{date}` for each doctor ({capacity, booked, remaining, is_present, bookable}), reloaded
 * when `refreshKey` changes and every minute. @returns {{ days: Record<string, object>, error: Error|null }}
 */
export function useDaySummaries(doctorIds, date) {
  const { api, refreshKey } = useApp();
  const [state, setState] = useState({ days: {}, error: null });
  const key = doctorIds.join(',');
  useEffect(() => {
    if (!date) return undefined;
    let stale = false;
    const load = async () => {
      try {
        const list = await Promise.all(doctorIds.map((id) => api.get(`/doctors/${id}/days/${date}`)));
        if (!stale) setState({ days: Object.fromEntries(list.map((d) => [d.doctor_id, d])), error: null });
      } catch (error) {
        if (!stale) setState((s) => ({ ...s, error }));
      }
    };
    load();
    const timer = setInterval(load, SUMMARY_REFRESH_MS);
    return () => {
      stale = true;
      clearInterval(timer);
    };
  }, [key, date, refreshKey]);
  return state;
}

/**
 * A doctor-day's queue: `snapshot` (public, live) and, with `staff`, the staff view (`GET /doctors/{id}/queue`:
 * names, checked-in times, served count), re-read whenever the live version moves or `refreshKey` changes.
 * @returns {{ snapshot: object|null, staff: object|null, error: Error|null, reload: () => void }}
 */
export function useLiveQueue(doctorId, date, { staff: wantStaff = false } = {}) {
  const { api, live, refreshKey } = useApp();
  const [snapshot, setSnapshot] = useState(null);
  const [staff, setStaff] = useState(null);
  const [error, setError] = useState(null);
  const seq = useRef(0);
  const staffVersion = useRef(-1);

  const reload = async () => {
    if (!wantStaff || !doctorId || !date) return;
    const mine = ++seq.current;
    try {
      const view = await api.get(`/doctors/${doctorId}/queue`, { date });
      if (mine === seq.current) {
        staffVersion.current = view.version;
        setStaff(view);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(err);
    }
  };

  useEffect(() => {
    setSnapshot(null);
    setStaff(null);
    staffVersion.current = -1;
    if (!doctorId || !date) return undefined;
    return live.watch(doctorId, date, (snap) => {
      setSnapshot(snap);
      if (snap.version !== staffVersion.current) reload();
    });
  }, [doctorId, date]);

  useEffect(() => {
    reload();
  }, [doctorId, date, refreshKey]);

  return { snapshot, staff, error, reload };
}

/** How many have checked in on the day, from the staff view: waiting + called + skipped + served. */
export function checkedInCount(staff) {
  if (!staff) return null;
  return staff.waiting.length + staff.called.length + staff.skipped.length + Number(staff.served_count || 0);
}
