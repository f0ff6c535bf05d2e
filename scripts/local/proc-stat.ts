import { readFileSync } from 'node:fs';

/** What Linux says of a process (or of one of its threads) in `/proc/<pid>/stat`. */
export interface ProcStat {
  command: string;
  /** R running, S sleeping, T stopped by a signal, Z zombie, … */
  state: string;
  ppid: number;
  /** User and system CPU time so far, in seconds. */
  cpuSeconds: number;
}

/** A process's `/proc` stat line, read; undefined where there is none (another system, or the process has gone). */
export function procStat(pid: number | string, thread?: string | number): ProcStat | undefined {
  let line: string;
  try {
    line = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses.
  const close = line.lastIndexOf(')');
  const fields = line.slice(close + 2).split(' ');
  // utime and stime are the 14th and 15th fields of the whole line, in clock ticks (100 a second on Linux).
  return { command: line.slice(line.indexOf('(') + 1, close), state: fields[0]!, ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

/** The CPU time a process has used so far, in seconds (user and system); NaN where it cannot be read. */
export function processCpuSeconds(pid: number): number {
  return procStat(pid)?.cpuSeconds ?? Number.NaN;
}
