import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { procStat } from './proc-stat.ts';

/**
 * Calls `onGone` once the process that started us has gone or has been
 * told to go, however that was.
 *
 * What npm 11 does with signals (tested with npm 11.19 and Debian's dash as
 * /bin/sh): `npm start` runs `sh -c "node …"`. npm forwards SIGINT and
 * SIGTERM to that shell only, never to node. dash neither execs the
 * command nor passes a signal on: on SIGTERM it dies and node, reparented,
 * keeps running; SIGINT it holds back until its child (node) exits, so
 * nothing happens at all. SIGHUP npm does not forward: npm dies, the shell
 * and node stay. (Where /bin/sh is bash, `sh -c` execs node, npm is node's
 * parent and forwards SIGINT and SIGTERM to it directly.) A Ctrl-C in the
 * terminal reaches every process of the group, node included.
 *
 * So node watches, every `intervalMs`:
 * - its parent: the PID it was started under changes when the parent dies;
 * - when that parent is the shell of an `npm run`, npm above it (Linux: the
 *   shell's parent in /proc changes once npm dies, even while npm is an
 *   unreaped zombie; elsewhere: npm's PID no longer answers);
 * - (Linux) that shell waking up: it sleeps in wait() for node and wakes only
 *   for a signal it catches (the held-back SIGINT) or node stopping and
 *   continuing (Ctrl-Z, `fg`: a SIGCONT to node, which is let pass). Its
 *   context-switch count in /proc tells.
 */
export function watchParents(onGone: (why: string) => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const shell = process.env.npm_lifecycle_event !== undefined ? npmShell(parent) : undefined;
  let wakeups = shell ? switches(shell.pid) : undefined;
  // After a stop and continue (Ctrl-Z, fg), the shell wakes for our SIGCHLDs: not a signal for us.
  let quietUntil = 0;
  const onContinue = () => (quietUntil = Date.now() + 1_000);
  process.on('SIGCONT', onContinue);

  const timer = setInterval(() => {
    let gone: string | undefined;
    if (process.ppid !== parent) gone = `its parent process (pid ${parent}) is gone`;
    else if (shell && !npmStillAbove(shell)) gone = `npm (pid ${shell.npm}) is gone`;
    else if (shell && wakeups !== undefined) {
      const now = switches(shell.pid);
      if (Date.now() < quietUntil) wakeups = now;
      else if (now !== undefined && now !== wakeups) gone = `npm (pid ${shell.npm}) passed on a signal`;
    }
    if (gone) {
      stop();
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    process.off('SIGCONT', onContinue);
  };
  return stop;
}

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'ksh', 'busybox']);

interface ProcessInfo {
  ppid: number;
  command: string;
}

/** From /proc on Linux; from `ps` elsewhere (`ps` only once, at start). */
function processInfo(pid: number, allowPs: boolean): ProcessInfo | undefined {
  const stat = procStat(pid);
  if (stat) return { ppid: stat.ppid, command: stat.command };
  if (!allowPs) return undefined;
  const ps = spawnSync('ps', ['-o', 'ppid=,comm=', '-p', String(pid)], { encoding: 'utf8' });
  const match = /^\s*(\d+)\s+(.+?)\s*$/.exec(ps.stdout ?? '');
  return match ? { ppid: Number(match[1]), command: match[2]! } : undefined;
}

/** Our parent when it is the shell an `npm run` started us in, with npm's PID. */
function npmShell(parent: number): { pid: number; npm: number } | undefined {
  const info = processInfo(parent, true);
  if (!info) return undefined;
  const name = info.command.split('/').pop()!.replace(/^-/, '');
  return SHELLS.has(name) && info.ppid > 1 ? { pid: parent, npm: info.ppid } : undefined;
}

function npmStillAbove(shell: { pid: number; npm: number }): boolean {
  const info = processInfo(shell.pid, false);
  if (info) return info.ppid === shell.npm;
  try {
    process.kill(shell.npm, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How often a process has been switched in (Linux); undefined where /proc is not. */
function switches(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const voluntary = /^voluntary_ctxt_switches:\s*(\d+)/m.exec(status)?.[1];
    const involuntary = /^nonvoluntary_ctxt_switches:\s*(\d+)/m.exec(status)?.[1];
    return voluntary === undefined || involuntary === undefined ? undefined : Number(voluntary) + Number(involuntary);
  } catch {
    return undefined;
  }
}
