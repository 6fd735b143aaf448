import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

/** A server child process and the base URL it printed (`http://localhost:PORT`). */
export interface ServerProcess { url: string; child: ChildProcess }

/**
 * Starts `node [nodeArgs] dist/server/main.js` with `env` and resolves once it prints its `API  http://…/api/v1`
 * line (server/main.ts). Rejects when it exits first or does not start within `timeoutMs`.
 */
export async function startServer(env: NodeJS.ProcessEnv, opts: { nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const main = path.resolve(__dirname, '../../server/main.js');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const timeoutMs = opts.timeoutMs ?? 90_000;
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /API\s+(http:\/\/[^\s]+)\/api\/v1/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.stderr!.on('data', (chunk) => { out += chunk; });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${out}`)); });
  });
  return { url, child };
}

/** Sends SIGTERM and waits for the process to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Logs in with e-mail and password; returns the access token. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = await res.json() as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`login as ${email} failed with ${res.status}`);
  return body.access_token;
}
