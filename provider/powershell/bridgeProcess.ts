import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type { CimErrorCategory } from "../cim";
import { CimError } from "../cim";
import { PowerShellChannel } from "./channel";
import { findEnvelope, openEnvelope, plainEnvironment, redact } from "./envelope";
import { descendants, killTree } from "./processTree";
import { newProcessKey } from "./seal";

/** The bridge script, shipped beside this module. */
export const BRIDGE_SCRIPT = path.join(__dirname, "bridge.ps1");

/**
 * How long a process whose stdin has ended may take to exit by itself before it is killed, by default: an idle
 * PowerShell leaves within a fraction of a second.
 */
const LEAVE_MS = 2000;

/** Fixed lines, with no value in them. */
const ASK_LANGUAGE = `"HVR-LANGUAGE:$($ExecutionContext.SessionState.LanguageMode)"`;
const READ_KEY = "$HvrKeyLine = [Console]::In.ReadLine()";
const LOAD =
  "try { . $env:HVR_BRIDGE_SCRIPT; 'HVR-LOADED' } catch { 'HVR-LOAD-FAILED:' + $_.FullyQualifiedErrorId + ': ' + $_.Exception.Message }";
/**
 * The last command PowerShell reads: from here on every line is a request that the bridge reads as data with
 * ReadLine, never a command, and when stdin ends (or the loop ever stops) the process exits rather than go back to
 * reading commands.
 */
const SERVE = "try { Start-HvrBridgeLoop } finally { [Environment]::Exit(0) }";

export interface BridgeProcessOptions {
  readonly executable: string;
  /** The AES key for secrets in payloads; PowerShell reads it from its stdin, once, at start. */
  readonly key: Buffer;
  /** How long starting PowerShell and loading the bridge may take. */
  readonly startTimeoutMs: number;
  /** How long one request may take before the process is given up. */
  readonly requestTimeoutMs: number;
  /** How long a closed process may take to leave by itself before it is killed ({@link LEAVE_MS} by default). */
  readonly leaveMs?: number;
}

/**
 * One warm PowerShell process with the bridge script loaded, answering one request per line. Requests run one at a
 * time; a process that times out, crashes or answers nonsense is marked broken, and its owner disposes of it with
 * everything it started.
 */
export class BridgeProcess {
  private brokenReason: string | undefined;
  private readonly channel: PowerShellChannel;

  /** The AES key this process decrypts secrets with: a secret sent to it is sealed with this key. */
  get key(): Buffer {
    return this.options.key;
  }

  /** The operating system's process id, for diagnostics and tests. */
  get pid(): number | undefined {
    return this.channel.pid;
  }

  private constructor(private readonly options: BridgeProcessOptions) {
    this.channel = new PowerShellChannel(
      options.executable,
      plainEnvironment(process.env, { HVR_BRIDGE_SCRIPT: BRIDGE_SCRIPT }),
    );
    // A process that dies while no request is pending is seen broken, and the pool starts another.
    void this.channel.exited.then(() => void (this.brokenReason ??= "the PowerShell process exited"));
  }

  /**
   * Starts PowerShell and loads the bridge. A process that crashes as it starts is replaced once, with a key of its
   * own, before the crash is reported: .NET's runtime has been seen to crash there (a segfault in libcoreclr.so, once
   * among the many thousand starts of the test suite's runs), and nothing has reached a host yet. A process that
   * exits with a code, or does not start in time, is reported at once.
   */
  static async start(options: BridgeProcessOptions): Promise<BridgeProcess> {
    const first = new BridgeProcess(options);
    try {
      return await first.started();
    } catch (error) {
      if (!first.channel.crashed) throw error;
      return new BridgeProcess({ ...options, key: newProcessKey() }).started();
    }
  }

  private async started(): Promise<BridgeProcess> {
    try {
      await this.deadline(this.prepare(), this.options.startTimeoutMs, "start");
      return this;
    } catch (error) {
      await this.dispose();
      throw error;
    }
  }

  private async prepare(): Promise<void> {
    await this.checkLanguage();
    // The key goes down the pipe as the line after a fixed command that reads it: it is data, never a command,
    // and it is in neither the environment nor the arguments, which other processes of the same user can read.
    this.channel.send(`${READ_KEY}\n${this.options.key.toString("base64")}\n`);
    const loaded = await this.starting(LOAD, /HVR-LOADED|HVR-LOAD-FAILED:.*\n/);
    const failure = /HVR-LOAD-FAILED:(.*)/.exec(loaded)?.[1];
    if (failure !== undefined) throw this.fail("environment", loadFailure(failure));
    this.channel.send(`${SERVE}\n`);
    await this.request({ op: "ping" }, this.options.startTimeoutMs);
  }

  /**
   * Constrained Language Mode (WDAC or AppLocker) forbids the .NET calls the bridge makes, so it is asked about in
   * the one form that works in every language mode, before anything else.
   */
  private async checkLanguage(): Promise<void> {
    const answer = await this.starting(ASK_LANGUAGE, /HVR-LANGUAGE:\w+/);
    const mode = /HVR-LANGUAGE:(\w+)/.exec(answer)?.[1];
    if (mode !== "FullLanguage") throw this.fail("environment", constrained(mode ?? "an unknown"));
  }

  /** Runs one fixed start-up command and waits for the line it prints. */
  private async starting(command: string, printed: RegExp): Promise<string> {
    try {
      return await this.channel.exchange(`${command}\n`, (text) => printed.test(text));
    } catch {
      const why = this.channel.exitedBecause ?? "stopped answering";
      const detail = redact(this.channel.errorText).trim().slice(-300);
      throw this.fail(
        "environment",
        `PowerShell (${this.options.executable}) exited as it started (it ${why})${detail ? `: ${detail}` : ""}`,
      );
    }
  }

  get broken(): boolean {
    return this.brokenReason !== undefined;
  }

  /** Marks the process for replacement: its pool disposes of it when it comes back. */
  discard(reason: string): void {
    this.brokenReason ??= reason;
  }

  /** Sends one request and returns the envelope's data, or throws its error as a CimError. */
  async request(
    payload: Readonly<Record<string, unknown>>,
    timeoutMs = this.options.requestTimeoutMs,
  ): Promise<unknown> {
    if (this.brokenReason)
      throw new CimError("protocol", `the PowerShell process is unusable: ${this.brokenReason}`);
    // A fresh id ties the answer to this request: an envelope left over from another one is never taken for it.
    const id = randomBytes(12).toString("hex");
    const line = Buffer.from(JSON.stringify({ ...payload, id }), "utf8").toString("base64");
    const raw = await this.deadline(this.answer(line, id), timeoutMs, "request");
    const envelope = findEnvelope(raw, id);
    if (envelope === undefined)
      throw this.fail("protocol", `the bridge gave no answer to this request: ${redact(raw).slice(0, 300)}`);
    return openEnvelope(envelope);
  }

  private async answer(line: string, id: string): Promise<string> {
    try {
      return await this.channel.exchange(`${line}\n`, (text) => findEnvelope(text, id) !== undefined);
    } catch (error) {
      // The process died under the request (crash, kill): the host may be fine, so this is worth a retry.
      const detail = redact(`${(error as Error).message} ${this.channel.errorText}`)
        .trim()
        .slice(-500);
      throw this.fail(
        "unreachable",
        `the PowerShell process (${this.options.executable}) stopped during the call: ${detail}`,
      );
    }
  }

  /** Start-up and requests have separate bounds: a slow start never eats into a request's time, nor the reverse. */
  private async deadline<T>(work: Promise<T>, ms: number, what: "start" | "request"): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const message =
          what === "start"
            ? `PowerShell did not start within ${ms / 1000} s`
            : `PowerShell did not answer within ${ms / 1000} s`;
        this.channel.abandon();
        reject(this.fail("timeout", message));
      }, ms);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(category: CimErrorCategory, message: string): CimError {
    this.brokenReason ??= message;
    return new CimError(category, message);
  }

  /**
   * Ends the process as it ends by itself: its stdin ends, the bridge's loop ends and PowerShell exits. .NET then
   * removes the files it keeps in the temporary folder while a process runs (a debugger pipe pair, a diagnostics
   * socket, PowerShell's host pipe); a killed process leaves those four behind for good, on every agent that is not
   * Windows. A process still in a request (one that timed out) would not read the end of its stdin until the request
   * returns, and is killed at once; one that does not leave within `leaveMs`, and what it started that is
   * still running once it has left, are killed too.
   */
  async close(): Promise<void> {
    if (this.pid === undefined || this.channel.exitedBecause !== undefined || this.channel.busy) {
      return this.dispose();
    }
    this.brokenReason ??= "closed";
    const started = await descendants(this.pid);
    this.channel.end();
    const left = await Promise.race([
      this.channel.exited.then(() => true),
      new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), this.options.leaveMs ?? LEAVE_MS).unref(),
      ),
    ]);
    if (!left) return this.dispose();
    await Promise.all(started.map((pid) => killTree(pid)));
  }

  /** Kills the process and everything it started (the .NET tool's pwsh runs the engine as a child). */
  async dispose(): Promise<void> {
    this.brokenReason ??= "disposed";
    if (this.pid !== undefined) await killTree(this.pid);
    this.channel.kill();
    // Bounded: a process the system has not reaped yet must not hold up the pool.
    await Promise.race([this.channel.exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }
}

function constrained(mode: string): string {
  return (
    `PowerShell runs in ${mode} mode, as Windows Defender Application Control (WDAC) or AppLocker enforce it, and ` +
    "the bridge needs FullLanguage. Run the agent where PowerShell runs in FullLanguage: exempt the agent's " +
    "account or machine from the policy, or run it on a Linux agent with transport ssh"
  );
}

function loadFailure(detail: string): string {
  const policy = /UnauthorizedAccess|PSSecurityException/.test(detail)
    ? " PowerShell's execution policy refused the script: allow local scripts (Set-ExecutionPolicy RemoteSigned), or where Group Policy requires AllSigned, sign bridge.ps1 with a certificate the policy trusts."
    : "";
  return `the bridge script ${BRIDGE_SCRIPT} could not be loaded: ${redact(detail).trim().slice(0, 300)}.${policy}`;
}
