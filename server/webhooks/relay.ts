import { Webhook } from 'standardwebhooks';
import type { Logger } from '../core/logger';
import { checkDestination, DestinationRefused, postTo } from './destination';
import type { ClaimedDelivery, WebhookRepository } from './webhooks.repository';

/** How the relay behaves (from the WEBHOOK_* settings). */
export interface RelayOptions {
  repo: WebhookRepository;
  logger: Logger;
  allowPrivate: boolean;
  /** Bound on one attempt, connect to last byte (ms). The claim's lease is this plus 5 s. */
  timeoutMs: number;
  intervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  giveUpHours: number;
  disableAfterFailures: number;
  /** Called after each run with the due backlog and the oldest pending delivery's age (s). */
  onBacklog?: (backlog: number, lagSeconds: number) => void;
  /** Called with each attempt's outcome (metrics). */
  onAttempt?: (outcome: 'delivered' | 'failed' | 'retry') => void;
}

/** Deliveries claimed per round; each round sends them concurrently. */
const BATCH = 10;
/** Rounds per run at most, so one run ends even under a flood (the next tick goes on). */
const MAX_ROUNDS = 50;

/**
 * The delay before attempt `n + 1` after `n` failed ones: exponential backoff with full jitter — a random time in
 * [0, min(max, base · 2^(n-1))] — never below min(1 s, base), so retries spread out and never hammer a receiver.
 */
export function retryDelayMs(failedAttempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.max(Math.min(1000, baseMs), Math.round(random() * cap));
}

/** The Standard Webhooks request of a delivery: body and the three `webhook-*` headers, signed with the endpoint's secret. */
export function signedRequest(d: ClaimedDelivery, now: Date = new Date()): { body: string; headers: Record<string, string> } {
  const data = d.contact ? { ...d.data, patient: d.contact } : d.data;
  const body = JSON.stringify({ type: d.type, timestamp: d.event_at, data });
  const id = `msg_${d.event_id}`;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'clinic-front-desk-webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(d.secret).sign(id, now, body),
    },
  };
}

/** The webhook relay of one instance; see {@link createWebhookRelay}. */
export interface WebhookRelay {
  /** After a commit that recorded events: run now (coalesced). */
  poke(): void;
  /** One run: claims and sends due deliveries until none is due (bounded). @returns how many attempts were made. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops the timer and waits for the attempts in flight (each bounded by the timeout). */
  stop(): Promise<void>;
}

/**
 * Delivers the outbox at least once. Every instance runs a relay: each run claims due deliveries in a short
 * statement of its own (`FOR UPDATE SKIP LOCKED`, see WebhookRepository.claim) that also pushes their due time to
 * the end of a lease, then sends them, then records each outcome. Several instances thus share the work and send a
 * delivery once in the common case; an instance killed mid-send leaves a lease that expires (timeout + 5 s), after
 * which another claims and resends it — receivers dedupe by `webhook-id`, which is the same on every attempt.
 * Failures retry with exponential backoff and full jitter; after WEBHOOK_GIVE_UP_HOURS the delivery is failed, and
 * WEBHOOK_DISABLE_AFTER_FAILURES failed deliveries in a row disable the endpoint.
 */
export function createWebhookRelay(o: RelayOptions): WebhookRelay {
  const leaseSeconds = o.timeoutMs / 1000 + 5;
  let running: Promise<number> | null = null;
  let again = false;
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function attempt(d: ClaimedDelivery): Promise<void> {
    const startedAt = new Date();
    const started = process.hrtime.bigint();
    const ms = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    let status: number | null = null;
    let error: string;
    try {
      const dest = await checkDestination(d.url, o.allowPrivate);
      const { body, headers } = signedRequest(d);
      status = (await postTo(dest, body, headers, o.timeoutMs, o.allowPrivate)).status;
      if (status >= 200 && status < 300) {
        await o.repo.delivered({ id: d.id, attempt: d.attempt, startedAt, durationMs: ms(), status });
        o.onAttempt?.('delivered');
        return;
      }
      error = `HTTP ${status}`;
    } catch (err) {
      error = err instanceof DestinationRefused ? `refused: ${err.reason}` : (err as Error).message || String(err);
    }
    const retryAt = new Date(Date.now() + retryDelayMs(d.attempt, o.retryBaseMs, o.retryMaxMs));
    const outcome = await o.repo.attemptFailed({
      id: d.id,
      attempt: d.attempt,
      startedAt,
      durationMs: ms(),
      status,
      error,
      retryAt,
      giveUpHours: o.giveUpHours,
      disableAfter: o.disableAfterFailures,
    });
    o.onAttempt?.(outcome.failed ? 'failed' : 'retry');
    const log = { delivery_id: d.id, endpoint_id: d.endpoint_id, event_type: d.type, attempt: d.attempt, error };
    if (outcome.disabled) o.logger.warn('webhook endpoint disabled after consecutive failed deliveries', log);
    else if (outcome.failed) o.logger.warn('webhook delivery failed for good', log);
    else o.logger.info('webhook attempt failed; retrying', { ...log, retry_at: retryAt.toISOString() });
  }

  async function relay(): Promise<number> {
    let n = 0;
    for (let round = 0; round < MAX_ROUNDS && !stopped; round++) {
      const batch = await o.repo.claim(BATCH, leaseSeconds);
      await Promise.all(
        batch.map((d) =>
          attempt(d).catch((err: unknown) =>
            // The outcome could not be written (database gone): the lease expires and the delivery is claimed again.
            o.logger.warn('webhook outcome not recorded; it will be retried', { delivery_id: d.id, error: (err as Error).message }),
          ),
        ),
      );
      n += batch.length;
      if (batch.length < BATCH) break;
    }
    if (o.onBacklog) {
      const b = await o.repo.backlog();
      o.onBacklog(b.count, b.lagSeconds);
    }
    return n;
  }

  function runOnce(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let n = 0;
      do {
        again = false;
        try {
          n += await relay();
        } catch (err) {
          o.logger.warn('webhook relay run failed; the next run retries', { error: (err as Error).message });
          again = false;
        }
      } while (again && !stopped);
      return n;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    poke() {
      if (started && !stopped) void runOnce();
    },
    runOnce,
    start() {
      started = true;
      timer = setInterval(() => void runOnce(), o.intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (running) await running;
    },
  };
}
