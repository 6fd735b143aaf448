import type { Actor } from '../core/actor';

/**
 * The live protocol (Socket.IO): typed event maps and payloads, shared by the server, the waiting-room
 * page, the tests and the replay/bench clients (`Socket<ServerToClientEvents, ClientToServerEvents>`).
 *
 * Connect with `io(url, { auth: { token } })` — a staff JWT or a screen token; without one the
 * handshake is refused (`connect_error`, `err.data.code` `UNAUTHORIZED`; `TOO_MANY_CONNECTIONS` when the
 * screen token holds SCREEN_MAX_SOCKETS_PER_TOKEN connections already). Event names are `domain:verb`. Every payload here is PUBLIC: it never carries a
 * patient's name, phone, age or id — only the token (`<doctor code>-<slot, 3 digits>`, e.g. `DR_A-007`),
 * the queue position, the status and times.
 *
 * Rooms are per doctor-day: `queue:{doctor_id}:{date}` ({@link doctorDayRoom}). Versions: each change of
 * a doctor-day's queue has the next version (1, 2, 3, …, no gaps). A client keeps the last version it
 * applied; an event with version > last + 1 means it missed one → it re-subscribes (the ack carries a
 * fresh snapshot). An event with version ≤ last is a duplicate and is ignored.
 */

/**
 * Queue entry statuses: waiting → called → served | skipped; skipped → waiting (requeue); waiting | called →
 * transferred (moved to another doctor's queue, where a new entry continues).
 */
export type QueueEntryStatus = 'waiting' | 'called' | 'served' | 'skipped' | 'transferred';

/**
 * What changed: one event type per queue action. `reordered`: an entry's priority changed, so the waiting order
 * may have (the screen never learns why); `transferred`: the entry left for another doctor's queue.
 */
export type QueueEventType = 'checked_in' | 'called' | 'recalled' | 'served' | 'skipped' | 'requeued' | 'reordered' | 'transferred';

/** A queue entry as screens see it. */
export interface PublicQueueEntry {
  /** `DR_A-007`: the doctor's code and the appointment's slot. */
  token: string;
  /** 1-based check-in order within the doctor-day; unique. */
  position: number;
  status: QueueEntryStatus;
  /** ISO-8601 UTC instant of the last call (or recall), null if never called. */
  called_at: string | null;
  /** Where to go when called (the session's room), null when the day has none. */
  room: string | null;
  /**
   * Waiting entries only: the estimated wait in minutes — people ahead (those waiting before, plus the one in
   * consultation) × the doctor-day's median called → served minutes so far (the doctor's consult minutes until
   * 3 are served). An estimate for the screen, never a promise.
   */
  estimated_wait_minutes?: number;
}

/** A doctor-day's queue as screens see it. */
export interface PublicQueueSnapshot {
  doctor_id: string;
  /** Clinic day, `YYYY-MM-DD` in CLINIC_TIMEZONE. */
  date: string;
  /** Doctor's display name and code (not personal health information). */
  doctor_name: string;
  doctor_code: string;
  /** Version of the last change applied (0 = no change yet). */
  version: number;
  /** The entry most recently called and not yet served or skipped; null when none. */
  now_serving: PublicQueueEntry | null;
  /** Entries waiting, in the order they will be called. */
  waiting: PublicQueueEntry[];
}

/** `queue:updated`: sent to a room after each committed change (never before commit). */
export interface QueueUpdatedEvent {
  doctor_id: string;
  date: string;
  version: number;
  type: QueueEventType;
  /** The entry that changed. */
  entry: PublicQueueEntry;
  /** The whole public queue after this change. */
  snapshot: PublicQueueSnapshot;
  /** ISO-8601 UTC instant the change committed. */
  at: string;
}

/** `queue:heartbeat`: every HEARTBEAT_INTERVAL_MS (15 s) to each active room, so a lost last event is noticed. */
export interface QueueHeartbeatEvent {
  doctor_id: string;
  date: string;
  version: number;
}

/** `server:shutdown`: the instance is stopping; clients reconnect (to another instance). */
export interface ServerShutdownEvent {
  reconnect: true;
}

/** Subscribe payload; `date` defaults to today in the clinic's time zone. */
export interface QueueSubscribeRequest {
  doctor_id: string;
  date?: string;
}

/** Acks are `{ data }` on success or `{ error }` on failure. */
export type Ack<T> = { data: T } | { error: { code: string; message: string } };

/** What `queue:subscribe` acks with: the snapshot plus what a screen needs for its clock. */
export interface QueueSubscribeResult {
  snapshot: PublicQueueSnapshot;
  /** IANA zone of the clinic (for the on-screen clock). */
  clinic_timezone: string;
  /** Server time, ISO-8601 UTC. */
  server_time: string;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  'queue:updated': (e: QueueUpdatedEvent) => void;
  'queue:heartbeat': (e: QueueHeartbeatEvent) => void;
  'server:shutdown': (e: ServerShutdownEvent) => void;
}

/**
 * Events a client sends. Errors in acks: `VALIDATION_ERROR`, `FORBIDDEN` (screen token not for that doctor),
 * `DOCTOR_NOT_FOUND`, `TOO_MANY_SUBSCRIPTIONS` (the connection follows SOCKET_MAX_ROOMS_PER_SOCKET doctor-days
 * already), `SERVICE_UNAVAILABLE`.
 */
export interface ClientToServerEvents {
  'queue:subscribe': (req: QueueSubscribeRequest, ack: (res: Ack<QueueSubscribeResult>) => void) => void;
  'queue:unsubscribe': (req: QueueSubscribeRequest, ack?: (res: Ack<{ left: string }>) => void) => void;
}

/** Events between instances (through the adapter): none of our own; the adapter's are internal. */
export type InterServerEvents = Record<string, never>;

/** What the server keeps per socket: who authenticated it (set by the handshake middleware). */
export interface SocketData {
  actor: Actor;
}

/** The room of a doctor-day: `queue:{doctor_id}:{date}`. */
export function doctorDayRoom(doctorId: string, date: string): string {
  return `queue:${doctorId}:${date}`;
}

/** The public token of a slot: `DR_A-007`. */
export function publicToken(doctorCode: string, slot: number): string {
  return `${doctorCode}-${String(slot).padStart(3, '0')}`;
}
