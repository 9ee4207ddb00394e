/**
 * The ssh2 prototype that `npm run bench:ssh` measures against today's transport: Node's own SSH client (the ssh2
 * package, pure JavaScript) checks the host key and logs in inside this process, then runs the remote PowerShell with
 * `-Command -` and speaks to it the same line protocol as a local bridge process (bridgeProcess.ts): the language
 * check, the key as a line of data, the bridge's files as lines of data, then one request per line. No local pwsh, no
 * ssh binary, no askpass socket; the remote needs PowerShell (on PATH, or named) and no subsystem line.
 *
 * A prototype for measurement, not a transport: no pool, no timeouts beyond the connect's, no known_hosts parser
 * (only a pinned fingerprint). ssh2 is not a dependency: the benchmark loads it from HVR_SSH2 (a folder where
 * `npm install ssh2` was run) or from node_modules.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { findEnvelope, openEnvelope } from "../../provider/powershell/envelope";
import { fingerprintOf } from "../../provider/powershell/sshHostKey";

const BRIDGE_DIR = path.resolve(__dirname, "../../provider/powershell");
/** The files the remote session loads, in bridge.ps1's order ($script:HvrBridgeParts); bridgeSsh.ps1 is not one. */
const FILES = [
  "bridge.ps1",
  "bridgeJson.ps1",
  "bridgeValues.ps1",
  "bridgeCim.ps1",
  "bridgeConnect.ps1",
  "bridgeErrors.ps1",
  "bridgeDoctor.ps1",
];

export interface Ssh2Options {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: string;
  readonly keyFile?: string;
  /** SHA256:... as ssh-keygen -l prints it: the only host key accepted. */
  readonly fingerprint: string;
  /** The remote PowerShell's command (a path, or a name on the remote PATH). */
  readonly remotePwsh: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- ssh2 is loaded at run time, without its types */
function loadSsh2(): any {
  const from = process.env.HVR_SSH2;
  return require(from ? require.resolve("ssh2", { paths: [from] }) : "ssh2");
}

/** One remote PowerShell with the bridge loaded, over one SSH connection. */
export class Ssh2Bridge {
  private buffer = "";
  private stderr = "";
  private waiter:
    { done: (t: string) => boolean; resolve: (t: string) => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly client: any,
    private readonly stream: any,
  ) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      this.buffer += chunk;
      if (this.waiter?.done(this.buffer)) {
        const { resolve } = this.waiter;
        const text = this.buffer;
        this.waiter = undefined;
        this.buffer = "";
        resolve(text);
      }
    });
    stream.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    stream.on("close", (code: number | null) => {
      this.waiter?.reject(new Error(`the remote PowerShell ended (exit ${code}): ${this.stderr.trim()}`));
      this.waiter = undefined;
    });
  }

  static async open(o: Ssh2Options): Promise<Ssh2Bridge> {
    const { Client } = loadSsh2();
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once("ready", resolve);
      client.once("error", reject);
      client.connect({
        host: o.host,
        port: o.port,
        username: o.username,
        ...(o.password !== undefined ? { password: o.password } : {}),
        ...(o.keyFile !== undefined ? { privateKey: fs.readFileSync(o.keyFile) } : {}),
        // The raw key blob: the same fingerprint ssh-keygen -l prints.
        hostVerifier: (key: Buffer) => fingerprintOf(key.toString("base64")) === o.fingerprint,
        readyTimeout: 30_000,
      });
    });
    try {
      const command = `${o.remotePwsh} -NoLogo -NoProfile -NonInteractive -Command -`;
      const stream = await new Promise<any>((resolve, reject) =>
        client.exec(command, (error: Error | undefined, s: any) => (error ? reject(error) : resolve(s))),
      );
      const bridge = new Ssh2Bridge(client, stream);
      await bridge.load();
      return bridge;
    } catch (error) {
      client.end();
      throw error;
    }
  }

  private exchange(text: string, done: (t: string) => boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiter = { done, resolve, reject };
      this.stream.write(text);
    });
  }

  /** The same start as a local bridge process, with the files sent as data: the remote has none of them. */
  private async load(): Promise<void> {
    const mode = await this.exchange('"HVR-LANGUAGE:$($ExecutionContext.SessionState.LanguageMode)"\n', (t) =>
      /HVR-LANGUAGE:\w+/.test(t),
    );
    if (!mode.includes("FullLanguage"))
      throw new Error(`the remote PowerShell is not in FullLanguage: ${mode}`);
    const key = randomBytes(32).toString("base64");
    let lines = `$HvrKeyLine = [Console]::In.ReadLine()\n${key}\n`;
    for (const file of FILES) {
      const text = Buffer.from(fs.readFileSync(path.join(BRIDGE_DIR, file), "utf8")).toString("base64");
      lines +=
        `$HvrText = [Console]::In.ReadLine()\n${text}\n` +
        ". ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($HvrText))))\n";
    }
    await this.exchange(`${lines}'HVR-LOADED'\n`, (t) => t.includes("HVR-LOADED"));
    this.stream.write("try { Start-HvrBridgeLoop } finally { [Environment]::Exit(0) }\n");
    await this.request({ op: "connect", transport: "local", username: null, operationTimeoutSec: 60 });
  }

  async request(payload: Record<string, unknown>): Promise<unknown> {
    const id = randomBytes(12).toString("hex");
    const line = Buffer.from(JSON.stringify({ ...payload, id }), "utf8").toString("base64");
    const raw = await this.exchange(`${line}\n`, (t) => findEnvelope(t, id) !== undefined);
    const envelope = findEnvelope(raw, id);
    if (!envelope) throw new Error(`no answer: ${raw.slice(0, 300)}`);
    return openEnvelope(envelope);
  }

  close(): void {
    this.stream.end();
    this.client.end();
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */
