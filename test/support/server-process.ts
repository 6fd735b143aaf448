import net from 'node:net';
import { testDatabaseUrl } from './hooks';
import { startServer, type ServerProcess } from '../../scripts/lib/server-process';

export type { ServerProcess };

/**
 * Starts the real server binary on a random port against this run's test database, from a clean environment;
 * `env` adds or overrides settings. (A thin wrapper over scripts/lib/server-process.ts.)
 */
export function spawnServer(env: Record<string, string> = {}, startTimeoutMs = 20_000): Promise<ServerProcess> {
  return startServer(
    {
      DATABASE_URL: testDatabaseUrl(),
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    { cleanEnv: true, timeoutMs: startTimeoutMs },
  );
}

/** Opens a TCP connection; resolves with the socket, or rejects with the connect error (e.g. ECONNREFUSED). */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Collects everything `socket` receives until the peer closes it. */
export function readAll(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    socket.on('data', (d) => {
      data += String(d);
    });
    socket.on('error', () => {});
    socket.once('close', () => resolve(data));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
