import * as fs from "node:fs";
import * as path from "node:path";
import { PowerShell } from "node-powershell";
import type { CimErrorCategory } from "../cim";
import { CimError } from "../cim";

const ENVELOPE_PREFIX = "HVR1:";
const CATEGORIES: readonly CimErrorCategory[] = [
  "unreachable",
  "accessDenied",
  "wbem",
  "timeout",
  "environment",
  "protocol",
];

type Envelope =
  | { ok: true; data: unknown }
  | { ok: false; error: { category: string; message: string; code: number | null } };

let scriptCache: string | undefined;

/** The bridge script, shipped beside this module, base64-encoded once. */
function bridgeScriptBase64(): string {
  scriptCache ??= Buffer.from(fs.readFileSync(path.join(__dirname, "bridge.ps1"), "utf8"), "utf8").toString(
    "base64",
  );
  return scriptCache;
}

/** Long base64 runs are payloads; they never belong in a message. */
function redact(text: string): string {
  return text.replace(/[A-Za-z0-9+/=]{40,}/g, "<payload>");
}

export interface BridgeProcessOptions {
  readonly executable: string;
  /** The AES key for secrets in payloads; it reaches PowerShell through the environment. */
  readonly key: Buffer;
  /** How long one request may take before the process is given up. */
  readonly requestTimeoutMs: number;
}

/**
 * One warm PowerShell process with the bridge script loaded. Requests run one at a time; a process that times out,
 * crashes or answers nonsense is marked broken, and its owner disposes of it.
 */
export class BridgeProcess {
  private brokenReason: string | undefined;

  /** The operating system's process id, for diagnostics and tests. */
  get pid(): number | undefined {
    return (this.shell as unknown as { process: { pid?: number } }).process.pid;
  }

  private constructor(
    private readonly shell: PowerShell,
    private readonly options: BridgeProcessOptions,
  ) {}

  static async start(options: BridgeProcessOptions): Promise<BridgeProcess> {
    const shell = new PowerShell({
      executable: options.executable,
      executableOptions: { "-NoProfile": true, "-NonInteractive": true },
      spawnOptions: {
        env: { ...process.env, HVR_BRIDGE_KEY: options.key.toString("base64") },
        windowsHide: true,
      },
      throwOnInvocationError: false,
    });
    const bridge = new BridgeProcess(shell, options);
    // Handled here, a process that dies while no request is pending is no unhandled rejection; the pool sees it
    // broken and starts another.
    const exited = (shell as unknown as { exitPromise: Promise<void> }).exitPromise;
    exited.then(
      () => (bridge.brokenReason ??= "the PowerShell process exited"),
      () => (bridge.brokenReason ??= "the PowerShell process exited"),
    );
    try {
      // One fixed line: the script is decoded into a scriptblock and dot-sourced. No value is part of it.
      await bridge.run(
        `. ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${bridgeScriptBase64()}'))))`,
        false,
      );
      await bridge.request({ op: "ping" });
      return bridge;
    } catch (error) {
      await bridge.dispose();
      throw error;
    }
  }

  get broken(): boolean {
    return this.brokenReason !== undefined;
  }

  /** Sends one request and returns the envelope's data, or throws its error as a CimError. */
  async request(payload: Readonly<Record<string, unknown>>): Promise<unknown> {
    const encoded = Buffer.from(JSON.stringify(payload), "utf8").toString("base64");
    const raw = await this.run(`Invoke-HvrBridge '${encoded}'`, true);
    const line = raw
      .split(/\r?\n/)
      .reverse()
      .find((l) => l.startsWith(ENVELOPE_PREFIX));
    if (line === undefined)
      throw this.fail("protocol", `the bridge answered without an envelope: ${redact(raw).slice(0, 300)}`);
    const envelope = this.parse(line.slice(ENVELOPE_PREFIX.length));
    if (envelope.ok) return envelope.data;
    const category = (CATEGORIES as readonly string[]).includes(envelope.error.category)
      ? (envelope.error.category as CimErrorCategory)
      : "wbem";
    throw new CimError(category, redact(envelope.error.message), envelope.error.code ?? undefined);
  }

  private parse(text: string): Envelope {
    try {
      return JSON.parse(text) as Envelope;
    } catch (error) {
      throw this.fail(
        "protocol",
        `the bridge answered malformed JSON (${(error as Error).message}): ${redact(text).slice(0, 200)}`,
      );
    }
  }

  private async run(command: string, expectOutput: boolean): Promise<string> {
    if (this.brokenReason)
      throw new CimError("protocol", `the PowerShell process is unusable: ${this.brokenReason}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            this.fail(
              "timeout",
              `PowerShell did not answer within ${this.options.requestTimeoutMs / 1000} s`,
            ),
          ),
        this.options.requestTimeoutMs,
      );
    });
    try {
      const result = await Promise.race([this.shell.invoke(command), timeout]);
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
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(category: CimErrorCategory, message: string): CimError {
    this.brokenReason ??= message;
    return new CimError(category, message);
  }

  async dispose(): Promise<void> {
    this.brokenReason ??= "disposed";
    try {
      await this.shell.dispose("SIGKILL");
    } catch {
      // Already gone: nothing left to release.
    }
  }
}
