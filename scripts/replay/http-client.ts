/** A small JSON client over Node's fetch (undici, keep-alive) that times every call by kind. */
export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  ms: number;
  headers: Headers;
}

export class ApiClient {
  /** Latencies (ms) by kind, e.g. `booking`, `checkin`. */
  readonly latencies = new Map<string, number[]>();
  /** Answers by status, all kinds together. */
  readonly statuses = new Map<number, number>();
  /** Answers ≥ 500 with their kind, path and body, for the report. */
  readonly serverErrors: Array<{ kind: string; path: string; status: number; body: unknown }> = [];

  constructor(
    private readonly baseUrl: string,
    private token?: string,
  ) {}

  setToken(token: string): void {
    this.token = token;
  }

  async call<T = any>(
    kind: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const started = performance.now();
    let status: number;
    let parsed: unknown;
    let resHeaders: Headers;
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      status = res.status;
      resHeaders = res.headers;
      const text = await res.text();
      parsed = text ? JSON.parse(text) : null;
    } catch (err) {
      status = 599; // network failure: counted as a server-side failure
      resHeaders = new Headers();
      parsed = { error: (err as Error).message };
    }
    const ms = performance.now() - started;
    if (!this.latencies.has(kind)) this.latencies.set(kind, []);
    this.latencies.get(kind)!.push(ms);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 500) this.serverErrors.push({ kind, path, status, body: parsed });
    return { status, body: parsed as T, ms, headers: resHeaders };
  }
}

/** The p-th percentile (0–100) of `values` (nearest rank); NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results keep the items' order. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  onDone?: () => void,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
      onDone?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
