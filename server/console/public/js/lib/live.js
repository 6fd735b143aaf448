/**
 * The live queue over Socket.IO, the same protocol the waiting-room screens use (server/live/live.events.ts):
 * connect with the staff token in the handshake `auth`, `queue:subscribe {doctor_id, date}` per doctor-day (the
 * ack carries a public snapshot), then apply `queue:updated` by version: last + 1 → apply, ≤ last → duplicate,
 * a gap → subscribe again. A heartbeat with a newer version, a reconnect, or silence also resubscribe.
 * Snapshots are public (tokens, no names); views fetch the staff view over REST when a version changes.
 */
import { setClinicTimezone, setServerOffset } from './clinic.js';

const ACK_TIMEOUT_MS = 5000;
const RETRY_MS = 2000;
const SILENCE_MS = 35000; // heartbeats come every 15 s; two missed → ask again

/**
 * @typedef {(snapshot: object, event: object|null) => void} Listener
 * @param {{ token: string, onStatus: (s: 'connecting'|'live'|'offline') => void, onRefused: (code: string) => void }} opts
 *   `onRefused` runs when the server refuses the token for good (expired, deactivated).
 */
export function createLive({ token, onStatus, onRefused }) {
  /** @type {Map<string, any>} */
  const rooms = new Map();
  const socket = window.io({ auth: { token }, reconnectionDelay: 1000, reconnectionDelayMax: 5000 });

  function deliver(room, snapshot, event) {
    room.snapshot = snapshot;
    room.version = snapshot.version;
    for (const fn of room.listeners) fn(snapshot, event);
  }

  function subscribe(room) {
    clearTimeout(room.retryTimer);
    if (!socket.connected) return;
    const generation = ++room.generation;
    room.syncing = true;
    room.buffered = [];
    socket.timeout(ACK_TIMEOUT_MS).emit('queue:subscribe', { doctor_id: room.doctorId, date: room.date }, (err, res) => {
      if (generation !== room.generation || !rooms.has(room.key)) return; // superseded, or nobody watches any more
      room.syncing = false;
      const buffered = room.buffered;
      room.buffered = [];
      if (err || !res || res.error) {
        room.retryTimer = setTimeout(() => subscribe(room), RETRY_MS);
        return;
      }
      setClinicTimezone(res.data.clinic_timezone);
      const serverNow = Date.parse(res.data.server_time);
      if (!isNaN(serverNow)) setServerOffset(serverNow - Date.now());
      room.lastHeardAt = Date.now();
      deliver(room, res.data.snapshot, null);
      buffered.forEach(onUpdated); // events that raced the ack: applied, ignored, or a gap → subscribe again
    });
  }

  function roomOf(e) {
    return e && rooms.get(e.doctor_id + '|' + e.date);
  }

  function onUpdated(e) {
    const room = roomOf(e);
    if (!room) return;
    room.lastHeardAt = Date.now();
    if (room.syncing) {
      room.buffered.push(e);
      return;
    }
    if (!room.snapshot || e.version <= room.version) return;
    if (e.version === room.version + 1 && e.snapshot) deliver(room, e.snapshot, e);
    else subscribe(room);
  }

  socket.on('connect', () => {
    onStatus('live');
    rooms.forEach(subscribe);
  });
  socket.on('disconnect', (reason) => {
    onStatus('offline');
    // The server dropped us on purpose (e.g. the account changed): try once more; a refused handshake then logs out.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), RETRY_MS);
  });
  socket.on('connect_error', (err) => {
    if (socket.active)
      onStatus('offline'); // temporary: Socket.IO retries by itself
    else onRefused((err && err.data && err.data.code) || 'UNAUTHORIZED');
  });
  socket.on('server:shutdown', () => onStatus('offline'));
  socket.on('queue:updated', onUpdated);
  socket.on('queue:heartbeat', (e) => {
    const room = roomOf(e);
    if (!room) return;
    room.lastHeardAt = Date.now();
    if (!room.syncing && room.snapshot && e.version > room.version) subscribe(room);
  });
  const watchdog = setInterval(() => {
    rooms.forEach((room) => {
      if (socket.connected && !room.syncing && Date.now() - room.lastHeardAt > SILENCE_MS) subscribe(room);
    });
  }, 10000);

  return {
    /**
     * Calls `listener` with the doctor-day's public snapshot now (if known) and after every change.
     * @returns {() => void} stops watching (the room is left when nobody watches it).
     */
    watch(doctorId, date, listener) {
      const key = doctorId + '|' + date;
      let room = rooms.get(key);
      if (!room) {
        room = {
          key,
          doctorId,
          date,
          version: -1,
          snapshot: null,
          syncing: false,
          buffered: [],
          generation: 0,
          listeners: new Set(),
          lastHeardAt: Date.now(),
          retryTimer: null,
        };
        rooms.set(key, room);
        subscribe(room);
      } else if (room.snapshot) {
        const snap = room.snapshot;
        queueMicrotask(() => {
          if (room.listeners.has(listener)) listener(snap, null);
        });
      }
      room.listeners.add(listener);
      return () => {
        room.listeners.delete(listener);
        if (room.listeners.size || rooms.get(key) !== room) return;
        rooms.delete(key);
        clearTimeout(room.retryTimer);
        if (socket.connected) socket.emit('queue:unsubscribe', { doctor_id: doctorId, date });
      };
    },
    /** Closes the socket (logout). */
    close() {
      clearInterval(watchdog);
      rooms.forEach((room) => clearTimeout(room.retryTimer));
      rooms.clear();
      socket.close();
    },
  };
}
