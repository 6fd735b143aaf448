import path from 'node:path';
import fs from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';

/** Forks a load process from bench/load (compiled next to this file). */
export function forkLoad(name: string): ChildProcess {
  return fork(path.join(__dirname, 'load', `${name}.js`), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Forks a one-shot load process, sends it `msg` and resolves with its one reply. */
export function runLoad<T>(name: string, msg: unknown): Promise<T> {
  const child = forkLoad(name);
  return new Promise<T>((resolve, reject) => {
    let answered = false;
    child.once('message', (m) => {
      answered = true;
      resolve(m as T);
    });
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`load process ${name} exited with ${code}`));
    });
    child.send(msg as object);
  });
}

/** The next message from a long-lived load process. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`load process exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
  });
}

/** Resident memory of a process (kB), from /proc/<pid>/status; NaN where /proc is missing. */
export function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system, ms) a process has used, from /proc/<pid>/stat; NaN where /proc is missing. */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (ms) used so far by PostgreSQL: every live process named `postgres`, plus what the postmaster's
 * exited children (closed connections' backends) used, which the kernel adds to its cutime/cstime.
 */
export function postgresCpuMs(): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(f[11]) + Number(f[12])) * 1000) / 100;
      const parent = fs.readFileSync(`/proc/${f[1]}/comm`, 'utf8').trim();
      if (parent !== 'postgres') total += ((Number(f[13]) + Number(f[14])) * 1000) / 100; // the postmaster: reaped children
    } catch {
      /* gone */
    }
  }
  return total;
}

/** Busy and total CPU time of the whole machine (clock ticks, all cores), from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** How busy the machine is (% of all cores) over `ms`, before anything is measured: other work skews every figure. */
export async function machineBusyPct(ms: number): Promise<number> {
  const a = machineTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineTicks();
  return ((b.busy - a.busy) / (b.total - a.total)) * 100;
}

/** Starts a CPU account of the server, PostgreSQL and the machine; the returned function closes it. */
export function cpuAccount(serverPid: number): () => { server_ms: number; postgres_ms: number; machine_busy_pct: number } {
  const s0 = cpuMs(serverPid);
  const p0 = postgresCpuMs();
  const m0 = machineTicks();
  return () => {
    const m1 = machineTicks();
    return {
      server_ms: cpuMs(serverPid) - s0,
      postgres_ms: postgresCpuMs() - p0,
      machine_busy_pct: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100,
    };
  };
}
