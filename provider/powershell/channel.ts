import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

/** Arguments that make PowerShell read commands from stdin, with nothing of the user's profile in the way. */
const ARGUMENTS = ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "-"];

/** How much of the error stream is kept for messages: enough to explain a crash, never a growing buffer. */
const STDERR_KEPT = 4000;

/** The signals a process dies of when it crashes, as opposed to being stopped or killed. */
const CRASH_SIGNALS: ReadonlySet<string> = new Set(["SIGSEGV", "SIGBUS", "SIGILL", "SIGABRT", "SIGFPE"]);

interface Waiter {
  text: string;
  readonly done: (text: string) => boolean;
  readonly resolve: (text: string) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One PowerShell process that reads lines on stdin, and what it prints on stdout, read until what one exchange waits
 * for has arrived. Only one exchange runs at a time; text printed while none runs is dropped. The process's error
 * stream is kept (its end only) to explain an exit.
 */
export class PowerShellChannel {
  private waiter: Waiter | undefined;
  /** An exchange was abandoned before its answer came: the process may still be working on it. */
  private abandoned = false;
  private stderr = "";
  private exitReason: string | undefined;
  private crashSignal = false;
  private readonly child: ChildProcessWithoutNullStreams;
  /** Settles once the process has exited, or could not be started. */
  readonly exited: Promise<void>;

  constructor(executable: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(executable, ARGUMENTS, { env, windowsHide: true, stdio: "pipe" });
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.onStdout(chunk));
    this.child.stderr.on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    // A write after the process died must not become an unhandled error: the exit already says what happened.
    this.child.stdin.on("error", () => undefined);
    this.exited = new Promise<void>((resolve) => {
      this.child.once("error", (error) => this.ended(`could not be started: ${error.message}`, resolve));
      this.child.once("exit", (code, signal) => {
        this.crashSignal = signal !== null && CRASH_SIGNALS.has(signal);
        this.ended(signal ? `was killed (${signal})` : `exited with code ${code}`, resolve);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process died of a crash (a signal such as SIGSEGV), not of an exit or a kill. */
  get crashed(): boolean {
    return this.crashSignal;
  }

  /** Why the process is gone, once it is. */
  get exitedBecause(): string | undefined {
    return this.exitReason;
  }

  /** The end of what the process wrote to its error stream. */
  get errorText(): string {
    return this.stderr;
  }

  /** Writes `lines` and resolves with what stdout printed from then until `done` holds for it. */
  exchange(lines: string, done: (text: string) => boolean): Promise<string> {
    if (this.waiter) return Promise.reject(new Error("one exchange at a time"));
    if (this.exitReason !== undefined) return Promise.reject(new Error(`PowerShell ${this.exitReason}`));
    return new Promise<string>((resolve, reject) => {
      this.waiter = { text: "", done, resolve, reject };
      this.child.stdin.write(lines);
    });
  }

  /** Writes lines no answer is awaited for (the key, after the command that reads it). */
  send(lines: string): void {
    this.child.stdin.write(lines);
  }

  /** Stops waiting (a deadline passed); later output is dropped. */
  abandon(): void {
    if (this.waiter) this.abandoned = true;
    this.waiter = undefined;
  }

  /** Whether the process is, or may still be, working on an exchange: it reads no more of stdin until it is done. */
  get busy(): boolean {
    return this.waiter !== undefined || this.abandoned;
  }

  /** Ends stdin: the bridge's loop ends and PowerShell exits by itself. */
  end(): void {
    this.child.stdin.end();
  }

  kill(): void {
    if (this.exitReason === undefined) this.child.kill("SIGKILL");
  }

  private onStdout(chunk: string): void {
    const waiter = this.waiter;
    if (!waiter) return;
    waiter.text += chunk;
    // Answers end with a line break: only then can an exchange be complete.
    if (!chunk.includes("\n") || !waiter.done(waiter.text)) return;
    this.waiter = undefined;
    waiter.resolve(waiter.text);
  }

  private ended(reason: string, resolve: () => void): void {
    this.exitReason ??= reason;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(new Error(`PowerShell ${this.exitReason}`));
    resolve();
  }
}
