import { randomBytes } from 'node:crypto';
import { NotFound, Unprocessable } from '../core/errors';
import { page } from '../core/schemas';
import { checkDestination, DestinationRefused } from './destination';
import type { WebhookEndpointDto, WebhookRepository } from './webhooks.repository';

/** A new Standard Webhooks signing secret: `whsec_` + 32 random bytes, base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** What the webhooks service needs. */
export interface WebhooksDeps {
  repo: WebhookRepository;
  /** WEBHOOK_ALLOW_PRIVATE */
  allowPrivate: boolean;
  /** Wakes the local relay (after a manual retry). */
  poke: () => void;
}

const notFound = () => new NotFound('No webhook endpoint with this id', 'WEBHOOK_NOT_FOUND');

/** Webhook endpoints (admin): subscribe a URL to domain events, see its deliveries, resend one. */
export function createWebhooksService({ repo, allowPrivate, poke }: WebhooksDeps) {
  /** @throws Unprocessable `WEBHOOK_URL_REFUSED` (details `{reason}`) for a URL the relay would refuse. */
  const assertUrl = async (url: string) => {
    try {
      await checkDestination(url, allowPrivate);
    } catch (err) {
      if (err instanceof DestinationRefused) {
        throw new Unprocessable('WEBHOOK_URL_REFUSED', `This webhook URL is refused: ${err.reason}`, { reason: err.reason });
      }
      throw err;
    }
  };
  const endpoint = async (id: string): Promise<WebhookEndpointDto> => {
    const e = await repo.findEndpoint(id);
    if (!e) throw notFound();
    return e;
  };
  return {
    /**
     * Creates an endpoint with a fresh signing secret, shown in this answer only (`secret`, `whsec_…`).
     * @throws Unprocessable `WEBHOOK_URL_REFUSED`
     */
    async create(
      input: { url: string; events: string[]; description?: string | null; include_patient_contact?: boolean },
      createdBy: string | null,
    ): Promise<WebhookEndpointDto & { secret: string }> {
      await assertUrl(input.url);
      const secret = newWebhookSecret();
      const row = await repo.createEndpoint({
        url: input.url,
        events: [...new Set(input.events)],
        description: input.description || null,
        secret,
        include_patient_contact: input.include_patient_contact ?? false,
        created_by: createdBy,
      });
      return { ...row, secret };
    },

    async list(params: { limit: number; offset: number }) {
      const { rows, total } = await repo.listEndpoints(params);
      return page(rows, total, params.limit, params.offset);
    },

    /** @throws NotFound `WEBHOOK_NOT_FOUND` */
    get: endpoint,

    /**
     * Changes an endpoint; `enabled: true` re-enables a disabled one (its pending deliveries go out again).
     * @throws NotFound · Unprocessable `WEBHOOK_URL_REFUSED`
     */
    async update(id: string, changes: { url?: string; events?: string[]; description?: string | null; enabled?: boolean }) {
      if (changes.url) await assertUrl(changes.url);
      const row = await repo.updateEndpoint(id, {
        ...changes,
        events: changes.events ? [...new Set(changes.events)] : undefined,
        description: changes.description === '' ? null : changes.description,
      });
      if (!row) throw notFound();
      if (changes.enabled) poke();
      return row;
    },

    /** Deletes an endpoint: nothing more is sent to it. @throws NotFound */
    async remove(id: string): Promise<void> {
      if (!(await repo.deleteEndpoint(id))) throw notFound();
    },

    /** An endpoint's deliveries, newest first, each with its attempts. @throws NotFound */
    async deliveries(id: string, params: { status?: string; limit: number; offset: number }) {
      await endpoint(id);
      const { rows, total } = await repo.listDeliveries({ endpointId: id, status: params.status ?? null, ...params });
      return page(rows, total, params.limit, params.offset);
    },

    /** Sends a delivery again now (failed, pending or delivered alike). @throws NotFound `WEBHOOK_DELIVERY_NOT_FOUND` */
    async retry(id: string, deliveryId: string): Promise<{ id: string; status: 'pending' }> {
      await endpoint(id);
      if (!(await repo.retryDelivery(id, deliveryId))) throw new NotFound('No delivery with this id', 'WEBHOOK_DELIVERY_NOT_FOUND');
      poke();
      return { id: deliveryId, status: 'pending' };
    },
  };
}
export type WebhooksService = ReturnType<typeof createWebhooksService>;
