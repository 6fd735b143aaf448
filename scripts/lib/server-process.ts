import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

/** A server started as its own process (`node dist/server/main.js`): for the replay, the benchmarks and the fault tests. */
export interface ServerProcess {
  /** `http://localhost:<port>`, as the server printed it. */
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) if it still runs; resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Default 90 s (the first start may initialise an embedded PostgreSQL). */
  timeoutMs?: number;
  /** Start from PATH and HOME only instead of this process's environment (default false). */
  cleanEnv?: boolean;
}

const MAIN = path.resolve(__dirname, '..', '..', 'server', 'main.js');

/**
 * Starts the server with `env` and resolves once it prints its API URL (`  API      http://localhost:PORT/api/v1`,
 * see server/main.ts). @throws when it exits first or stays silent for `timeoutMs`.
 */
export async function startServer(env: NodeJS.ProcessEnv, opts: StartOptions = {}): Promise<ServerProcess> {
  const base = opts.cleanEnv ? { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } : process.env;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), MAIN], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const timeoutMs = opts.timeoutMs ?? 90_000;
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    out += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = /API\s+(http:\/\/[^\s]+)\/api\/v1/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it listened:\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    exited,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return (await exited).code;
    },
  };
}

/** Logs in with e-mail and password; returns the access token. @throws on any answer but 200. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`login as ${email} failed with ${res.status}`);
  return body.access_token;
}
