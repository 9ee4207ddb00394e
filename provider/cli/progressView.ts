/**
 * Shows the runtime's progress lines in a terminal: where the stream is a TTY, each job's progress redraws one bar
 * in place; where it is not (a pipeline log, a file), every line is written as it came, so logs stay plain text.
 */
import { parseProgressLine, progressBar } from "../hyperv/progress";

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Returns the function to hand each line to. `close` ends a bar still drawn, so what follows starts a new line. */
export function progressView(out: ProgressStream): { line(text: string): void; close(): void } {
  let drawing = false;
  const endBar = () => {
    if (drawing) out.write("\n");
    drawing = false;
  };
  return {
    line(text) {
      const progress = out.isTTY === true ? parseProgressLine(text) : undefined;
      if (progress === undefined) {
        endBar();
        out.write(`${text}\n`);
        return;
      }
      // Carriage return and erase-line: the bar replaces the last one instead of adding a line.
      out.write(`\r\u001b[2K${progressBar(progress)}`);
      drawing = true;
      if (progress.ended) endBar();
    },
    close: endBar,
  };
}
