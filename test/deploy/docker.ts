import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** ANSI "erase line" (CSI 2 K), which compose may print before a log line. */
const ERASE_LINE = '\u001b[2K';

/** What a finished command printed. */
export interface Output {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command (no shell) and resolves with what it printed.
 * @throws with the command line, exit code and the tail of stderr when it fails or outlasts `timeoutMs`.
 */
export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as { code?: unknown }).code;
          reject(
            new Error(
              `${cmd} ${args.join(' ')} failed (${err.killed ? 'timed out' : `exit ${String(code)}`}):\n${(stderr || stdout).slice(-3000)}`,
            ),
          );
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** Resolves true when `cmd args` exits 0 within `timeoutMs`. */
export async function succeeds(cmd: string, args: string[], timeoutMs = 15_000): Promise<boolean> {
  return run(cmd, args, { timeoutMs }).then(
    () => true,
    () => false,
  );
}

/**
 * The reason Docker cannot be used here, or null when it can: the client must be installed, the daemon
 * must answer, and a compose command must exist.
 */
export async function dockerUnavailable(): Promise<string | null> {
  if (!(await succeeds('docker', ['--version']))) return 'no docker client on PATH';
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 }).catch((err: Error) => err);
  if (info instanceof Error)
    return `the Docker daemon does not answer (${info.message.split('\n').slice(1).join(' ').trim().slice(0, 200)})`;
  if (!(await composeCommand())) return 'neither `docker compose` (v2 plugin) nor `docker-compose` works';
  return null;
}

let compose: string[] | null | undefined;

/** `docker compose` when the v2 plugin works, else `docker-compose` (v1 or v2 standalone), else null. */
export async function composeCommand(): Promise<string[] | null> {
  if (compose !== undefined) return compose;
  if (await succeeds('docker', ['compose', 'version'])) compose = ['docker', 'compose'];
  else if (await succeeds('docker-compose', ['version'])) compose = ['docker-compose'];
  else compose = null;
  return compose;
}

/** One compose project: the repository's docker-compose.yml under its own project name and environment. */
export class ComposeProject {
  private readonly envFile: string;

  /**
   * @param root the repository (holds docker-compose.yml)
   * @param project compose project name (containers, network and volume are prefixed with it)
   * @param env variables the compose file interpolates; a repository `.env` is ignored (an empty --env-file)
   */
  constructor(
    private readonly cmd: string[],
    private readonly root: string,
    readonly project: string,
    readonly env: Record<string, string>,
  ) {
    this.envFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-deploy-')), 'empty.env');
    fs.writeFileSync(this.envFile, '');
  }

  /** Runs `compose -p <project> -f docker-compose.yml <args>`. */
  compose(args: string[], timeoutMs = 120_000): Promise<Output> {
    const [bin, ...pre] = this.cmd;
    return run(bin, [...pre, '-p', this.project, '-f', path.join(this.root, 'docker-compose.yml'), '--env-file', this.envFile, ...args], {
      env: { ...process.env, ...this.env },
      timeoutMs,
      cwd: this.root,
    });
  }

  /** The container id of a service (running or not), or undefined. */
  async containerId(service: string): Promise<string | undefined> {
    const { stdout } = await this.compose(['ps', '-a', '-q', service], 30_000);
    return stdout.trim().split('\n').filter(Boolean)[0];
  }

  /** `docker inspect` of a service's container. */
  async inspect(service: string): Promise<ContainerState> {
    const id = await this.containerId(service);
    if (!id) throw new Error(`no container for service ${service}`);
    const { stdout } = await run('docker', ['inspect', id], { timeoutMs: 30_000 });
    return (JSON.parse(stdout) as ContainerState[])[0];
  }

  /** A service's log lines (stdout and stderr, without the compose prefix or the terminal's erase-line code). */
  async logs(service: string): Promise<string[]> {
    const { stdout, stderr } = await this.compose(['logs', '--no-color', '--no-log-prefix', service], 30_000);
    return `${stdout}\n${stderr}`.split('\n').map((l) => (l.startsWith(ERASE_LINE) ? l.slice(ERASE_LINE.length) : l));
  }

  /** Runs a command inside a service's running container (`compose exec -T`). */
  exec(service: string, command: string[], timeoutMs = 30_000): Promise<Output> {
    return this.compose(['exec', '-T', service, ...command], timeoutMs);
  }

  /** Removes the temp env file; `down` is the caller's. */
  dispose(): void {
    fs.rmSync(path.dirname(this.envFile), { recursive: true, force: true });
  }
}

/** The parts of `docker inspect` a test reads. */
export interface ContainerState {
  Id: string;
  RestartCount: number;
  Config: { User: string; Image: string; Healthcheck?: { Test: string[] } };
  State: { Status: string; Running: boolean; Pid: number; ExitCode: number; Health?: { Status: string } };
}
