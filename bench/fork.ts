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
    child.once('message', (m) => { answered = true; resolve(m as T); });
    child.once('exit', (code) => { if (!answered) reject(new Error(`load process ${name} exited with ${code}`)); });
    child.send(msg as object);
  });
}

/** The next message from a long-lived load process. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`load process exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (m) => { child.off('exit', onExit); resolve(m as T); });
  });
}

/** Resident memory of a process (kB), from /proc/<pid>/status; NaN where /proc is missing. */
export function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : Number.NaN;
  } catch { return Number.NaN; }
}

/** CPU time (user + system, ms) a process has used, from /proc/<pid>/stat; NaN where /proc is missing. */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch { return Number.NaN; }
}
