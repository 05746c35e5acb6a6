/**
 * A one-line progress bar on stderr, only where someone watches it: stderr is a terminal, the
 * `CI` variable is not set, and there are enough files for it to matter. Redrawn at most every
 * 50 ms and erased at the end, so the output that follows is unchanged.
 */
import { oneLine } from "./escape.js";

export const PROGRESS_MIN_FILES = 10;

export interface Progress {
  tick(path: string): void;
  done(): void;
}

const NONE: Progress = { tick() {}, done() {} };

export function progressWanted(total: number, stream: NodeJS.WriteStream = process.stderr): boolean {
  const ci = process.env.CI;
  return (
    stream.isTTY === true &&
    (ci === undefined || ci === "" || ci === "0" || ci === "false") &&
    total >= PROGRESS_MIN_FILES
  );
}

export function createProgress(
  total: number,
  label: string,
  enabled: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!enabled) return NONE;
  let done = 0;
  let last = 0;
  const draw = (path: string): void => {
    const width = 24;
    const filled = Math.round((done / total) * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const columns = stream.columns ?? 80;
    let line = `${label} ${bar} ${done}/${total} ${oneLine(path)}`;
    if (line.length > columns - 1) line = line.slice(0, columns - 1);
    stream.write(`\r\u001b[2K${line}`);
  };
  return {
    tick(path) {
      done++;
      const now = Date.now();
      if (now - last >= 50 || done === total) {
        last = now;
        draw(path);
      }
    },
    done() {
      stream.write("\r\u001b[2K");
    },
  };
}
