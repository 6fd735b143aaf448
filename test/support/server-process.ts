import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { testDatabaseUrl } from './hooks';

/** A `node dist/server/main.js` child process on a random port against this run's test database. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (for `after` hooks). */
  kill(): void;
}

const mainJs = path.resolve(__dirname, '..', '..', 'server', 'main.js');

/** Starts the real server binary; resolves once it printed its URL. `env` adds or overrides settings. */
export async function spawnServer(env: Record<string, string> = {}, startTimeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [mainJs], {
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '',
      DATABASE_URL: testDatabaseUrl(), JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      PORT: '0', LOG_LEVEL: 'warn', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += String(d); });
  child.stderr!.on('data', (d) => { out += String(d); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${startTimeoutMs} ms:\n${out}`)), startTimeoutMs);
    const check = () => {
      const m = /http:\/\/localhost:(\d+)\/api\/v1/.exec(out);
      if (m) { clearTimeout(timer); child.stdout!.off('data', check); resolve(Number(m[1])); }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before listening:\n${out}`)); });
  });
  return {
    child, port, exited, output: () => out,
    kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); },
  };
}

/** Opens a TCP connection; resolves with the socket, or rejects with the connect error (e.g. ECONNREFUSED). */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.off('error', reject); resolve(socket); });
    socket.once('error', reject);
  });
}

/** Collects everything `socket` receives until the peer closes it. */
export function readAll(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    socket.on('data', (d) => { data += String(d); });
    socket.on('error', () => {});
    socket.once('close', () => resolve(data));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
