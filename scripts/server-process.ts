import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

/** A server started as its own process (`node dist/server/main.js`), for the replay, benchmarks and fault tests. */
export interface ServerProcess {
  /** `http://localhost:<port>` */
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const MAIN = path.resolve(__dirname, '..', 'server', 'main.js');

/**
 * Starts the server with `env` (merged over this process's environment) and resolves once it prints its
 * API URL (`  API      http://localhost:PORT/api/v1`). @throws when it exits or stays silent for `timeoutMs`.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk) => { out += chunk; });
  child.stderr!.on('data', (chunk) => { out += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = /API\s+(http:\/\/[^\s]+)\/api\/v1/.exec(out);
      if (m) { clearTimeout(timer); child.stdout!.off('data', onData); resolve(m[1]); }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before it listened:\n${out}`)); });
  });
  return {
    url, port: Number(new URL(url).port), child, output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
