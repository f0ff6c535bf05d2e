/**
 * The progress of a long import on stderr, by phase (reading, parsing,
 * writing) with the time since it began: the store says nothing while it
 * writes, so the phases are what can be shown. On a terminal it is one
 * line rewritten in place, its clock ticking; elsewhere (a log, a pipe)
 * one line per phase, each with the time it began.
 */

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface PhaseProgress {
  /** A new phase begins: `reading costs.csv (12.3 MB)…`. */
  phase(text: string): void;
  /** The work is over: the line is taken away (terminal) or closed with the total time. */
  done(text?: string): void;
}

/** Shows nothing: a small file is read and written before a progress line would mean anything. */
export const NO_PROGRESS: PhaseProgress = { phase: () => undefined, done: () => undefined };

const TICK_MS = 200;

export function phaseProgress(stream: ProgressStream, now: () => number = () => performance.now()): PhaseProgress {
  const started = now();
  const elapsed = () => `${((now() - started) / 1000).toFixed(1)} s`;
  if (!stream.isTTY) {
    return {
      phase: (text) => void stream.write(`[${elapsed()}] ${text}\n`),
      done: (text) => void stream.write(`[${elapsed()}] ${text ?? 'done'}\n`),
    };
  }
  let current = '';
  const draw = () => void stream.write(`\r\u001b[2K${current} ${elapsed()}`);
  let timer: NodeJS.Timeout | undefined;
  return {
    phase: (text) => {
      current = text;
      draw();
      if (!timer) {
        timer = setInterval(draw, TICK_MS);
        timer.unref();
      }
    },
    done: () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      stream.write('\r\u001b[2K');
    },
  };
}

/** Bytes as people read a file's size: `850 KB`, `12.3 MB`. */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
