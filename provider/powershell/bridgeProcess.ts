import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { PowerShell } from "node-powershell";
import type { CimErrorCategory } from "../cim";
import { CimError } from "../cim";
import { findEnvelope, openEnvelope, plainEnvironment, redact } from "./envelope";
import { killTree } from "./processTree";

/** The bridge script, shipped beside this module. */
export const BRIDGE_SCRIPT = path.join(__dirname, "bridge.ps1");

/** Fixed lines, with no value in them. */
const ASK_LANGUAGE = `"HVR-LANGUAGE:$($ExecutionContext.SessionState.LanguageMode)"`;
const READ_KEY = "$HvrKeyLine = [Console]::In.ReadLine()";
const LOAD =
  "try { . $env:HVR_BRIDGE_SCRIPT } catch { 'HVR-LOAD-FAILED:' + $_.FullyQualifiedErrorId + ': ' + $_.Exception.Message }";

export interface BridgeProcessOptions {
  readonly executable: string;
  /** The AES key for secrets in payloads; PowerShell reads it from its stdin, once, at start. */
  readonly key: Buffer;
  /** How long starting PowerShell and loading the bridge may take. */
  readonly startTimeoutMs: number;
  /** How long one request may take before the process is given up. */
  readonly requestTimeoutMs: number;
}

/**
 * One warm PowerShell process with the bridge script loaded. Requests run one at a time; a process that times out,
 * crashes or answers nonsense is marked broken, and its owner disposes of it with everything it started.
 */
export class BridgeProcess {
  private brokenReason: string | undefined;
  private readonly exited: Promise<void>;

  /** The operating system's process id, for diagnostics and tests. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private get child(): { pid?: number } {
    return (this.shell as unknown as { process: { pid?: number } }).process;
  }

  private constructor(
    private readonly shell: PowerShell,
    private readonly options: BridgeProcessOptions,
  ) {
    // Handled here, a process that dies while no request is pending is no unhandled rejection; the pool sees it
    // broken and starts another.
    const exitPromise = (shell as unknown as { exitPromise: Promise<void> }).exitPromise;
    this.exited = exitPromise.then(
      () => void (this.brokenReason ??= "the PowerShell process exited"),
      () => void (this.brokenReason ??= "the PowerShell process exited"),
    );
  }

  static async start(options: BridgeProcessOptions): Promise<BridgeProcess> {
    const shell = new PowerShell({
      executable: options.executable,
      executableOptions: { "-NoProfile": true, "-NonInteractive": true },
      spawnOptions: {
        env: plainEnvironment(process.env, { HVR_BRIDGE_SCRIPT: BRIDGE_SCRIPT }),
        windowsHide: true,
      },
      throwOnInvocationError: false,
    });
    const bridge = new BridgeProcess(shell, options);
    try {
      await bridge.deadline(bridge.prepare(), options.startTimeoutMs, "start");
      return bridge;
    } catch (error) {
      await bridge.dispose();
      throw error;
    }
  }

  private async prepare(): Promise<void> {
    await this.checkLanguage();
    // The key goes down the pipe as the line after a fixed command that reads it: it is data, never a command,
    // and it is in neither the environment nor the arguments, which other processes of the same user can read.
    this.shell.streams.stdin.write(`${READ_KEY}\n${this.options.key.toString("base64")}\n`);
    const loaded = await this.run(LOAD, false);
    const failure = /HVR-LOAD-FAILED:(.*)/.exec(loaded)?.[1];
    if (failure !== undefined) throw this.fail("environment", loadFailure(failure));
    await this.request({ op: "ping" }, this.options.startTimeoutMs);
  }

  /**
   * Constrained Language Mode (WDAC or AppLocker) forbids the .NET calls that node-powershell's own protocol and
   * the bridge make, so it is asked about in the one form that works in every language mode, before anything else.
   */
  private checkLanguage(): Promise<void> {
    const stdout = this.shell.streams.stdout;
    return new Promise<void>((resolve, reject) => {
      let text = "";
      const onData = (chunk: Buffer | string) => {
        text += String(chunk);
        const mode = /HVR-LANGUAGE:(\w+)/.exec(text)?.[1];
        if (mode === undefined) return;
        stdout.off("data", onData);
        if (mode === "FullLanguage") resolve();
        else reject(this.fail("environment", constrained(mode)));
      };
      stdout.on("data", onData);
      this.exited.then(() => {
        stdout.off("data", onData);
        reject(this.fail("environment", `PowerShell (${this.options.executable}) exited as it started`));
      });
      this.shell.streams.stdin.write(`${ASK_LANGUAGE}\n`);
    });
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
    // A fresh id ties the answer to this request: an envelope left over from another one is never taken for it.
    const id = randomBytes(12).toString("hex");
    const encoded = Buffer.from(JSON.stringify({ ...payload, id }), "utf8").toString("base64");
    const raw = await this.deadline(this.run(`Invoke-HvrBridge '${encoded}'`, true), timeoutMs, "request");
    const envelope = findEnvelope(raw, id);
    if (envelope === undefined)
      throw this.fail("protocol", `the bridge gave no answer to this request: ${redact(raw).slice(0, 300)}`);
    return openEnvelope(envelope);
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
        reject(this.fail("timeout", message));
      }, ms);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(command: string, expectOutput: boolean): Promise<string> {
    if (this.brokenReason)
      throw new CimError("protocol", `the PowerShell process is unusable: ${this.brokenReason}`);
    try {
      const result = await this.shell.invoke(command);
      // node-powershell keeps every command forever; payloads must not pile up in memory.
      this.shell.history.length = 0;
      if (result.hadErrors) {
        throw this.fail(
          "protocol",
          `PowerShell wrote to its error stream: ${redact(result.raw).trim().slice(0, 500)}`,
        );
      }
      if (expectOutput && result.raw.trim() === "")
        throw this.fail("protocol", "PowerShell answered nothing");
      return result.raw;
    } catch (error) {
      if (error instanceof CimError) throw error;
      // The process died under the request (crash, kill): the host may be fine, so this is worth a retry.
      throw this.fail(
        "unreachable",
        `the PowerShell process (${this.options.executable}) stopped during the call: ${redact(String((error as Error).message ?? error))}`,
      );
    }
  }

  private fail(category: CimErrorCategory, message: string): CimError {
    this.brokenReason ??= message;
    return new CimError(category, message);
  }

  /** Kills the process and everything it started (the .NET tool's pwsh runs the engine as a child). */
  async dispose(): Promise<void> {
    this.brokenReason ??= "disposed";
    if (this.pid !== undefined) await killTree(this.pid);
    try {
      await this.shell.dispose("SIGKILL");
    } catch {
      // Already gone: nothing left to release.
    }
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
