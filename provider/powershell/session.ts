import { createHash, randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import type {
  AssociatorOptions,
  CimArguments,
  CimCallOptions,
  CimClassDefinition,
  CimIntrospection,
  CimNamespace,
  CimFilter,
  CimInstance,
  CimMethodResult,
  CimRef,
  CimSession,
  HostFacts,
} from "../cim";
import { CimError, HYPERV_CLUSTER_NAMESPACE } from "../cim";
import type { ConnectionInputs } from "../cim/connection";
import { describeTarget } from "../cim/connection";
import { BridgeProcess } from "./bridgeProcess";
import { chooseExecutable, resolveExecutable } from "./executable";
import { Pool } from "./pool";
import { newProcessKey, seal } from "./seal";
import { Spare } from "./spare";
import type { SshPreparation } from "./sshConnect";
import { prepareSsh } from "./sshConnect";

export interface PowerShellSettings {
  /** pwsh, powershell.exe, or a path. */
  readonly executable?: string;
  /** PowerShell processes per connection. Default: one per CPU of the agent, at most 4 ({@link defaultMaxSessions}). */
  readonly maxSessions?: number;
  /** How long an unused process stays warm. Default 60 s. */
  readonly idleMs?: number;
  /** The CIM operation timeout (-OperationTimeoutSec). Default 120 s. */
  readonly operationTimeoutSec?: number;
  /** When a request is given up and its process replaced. Default 30 s after the operation timeout. */
  readonly requestTimeoutMs?: number;
  /** How long starting PowerShell and loading the bridge may take. Default 60 s. */
  readonly startTimeoutMs?: number;
}

/**
 * One PowerShell process per CPU of the agent, at most 4. A process costs seconds of CPU to start, and it compiles
 * each code path of the bridge the first few times it runs it; every process does so for itself. On a 2-CPU agent, 20
 * collections failing over at once through 4 processes spent 15-18 s of PowerShell CPU during the failover, and
 * through 2 processes 8 s, starting every failover sooner (`npm run bench:scale`, bridge 20 x 20 s). More processes
 * than CPUs only pay off when requests wait on a slow host, which `hyperv-replica:maxSessions` can allow for.
 */
export function defaultMaxSessions(cpus = availableParallelism()): number {
  return Math.max(1, Math.min(4, cpus));
}

const DEFAULTS = {
  maxSessions: defaultMaxSessions(),
  idleMs: 60_000,
  operationTimeoutSec: 120,
  startTimeoutMs: 60_000,
} as const;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const salt = randomBytes(16);
/** Per connection: its pool, and the process started ahead of its first call ({@link Spare}). */
const pools = new Map<string, { readonly pool: Pool<BridgeProcess>; readonly spare: Spare }>();

/** Identifies a connection without holding its password: the password only contributes a salted hash. */
function poolKey(connection: ConnectionInputs, executable: string): string {
  const { password, ...rest } = connection;
  const secret =
    password === undefined ? "" : createHash("sha256").update(salt).update(password).digest("hex");
  return JSON.stringify([executable, rest, secret]);
}

function assertName(name: string, what: string): void {
  if (!NAME.test(name)) throw new CimError("protocol", `invalid ${what} name ${JSON.stringify(name)}`);
}

function connectRequest(
  connection: ConnectionInputs,
  key: Buffer,
  operationTimeoutSec: number,
  ssh: Pick<SshPreparation, "knownHostsFile" | "askpass">,
) {
  // Over ssh the password never goes to PowerShell: ssh fetches it from the provider (sshPassword.ts).
  const password = connection.transport === "ssh" ? undefined : connection.password;
  return {
    op: "connect",
    transport: connection.transport ?? "local",
    host: connection.host ?? null,
    port: connection.port ?? null,
    useSsl: connection.useSsl ?? false,
    skipCACheck: connection.skipCACheck ?? false,
    skipCNCheck: connection.skipCNCheck ?? false,
    skipRevocationCheck: connection.skipRevocationCheck ?? false,
    authentication: connection.authentication ?? null,
    username: connection.username ?? null,
    password: password === undefined ? null : seal(password, key),
    sshKeyFile: connection.sshKeyFile ?? null,
    knownHostsFile: ssh.knownHostsFile ?? null,
    askpass: ssh.askpass ?? null,
    operationTimeoutSec,
  };
}

/**
 * `local` with a username is not a local call: New-CimSession needs a computer name for a credential, so it is WinRM
 * to localhost, with WinRM's requirements. Its failures say so.
 */
function explainConnectFailure(error: unknown, connection: ConnectionInputs): unknown {
  if (!(error instanceof CimError)) return error;
  if ((connection.transport ?? "local") !== "local" || !connection.username) return error;
  return new CimError(
    error.category,
    `${error.message.replace(/\.?$/, ".")} With a username, transport 'local' connects through WinRM to localhost: ` +
      "the WinRM listener must run on this machine (Enable-PSRemoting), and for a local account UAC remote " +
      "restrictions apply (use a domain account, or set LocalAccountTokenFilterPolicy); without a username, " +
      "local calls run as the agent's own identity without WinRM",
    error.code,
    { cause: error },
  );
}

function poolFor(connection: ConnectionInputs, settings: PowerShellSettings) {
  const executable = resolveExecutable(chooseExecutable(settings.executable));
  const key = poolKey(connection, executable);
  let entry = pools.get(key);
  if (!entry) {
    const operationTimeoutSec = settings.operationTimeoutSec ?? DEFAULTS.operationTimeoutSec;
    const startTimeoutMs = settings.startTimeoutMs ?? DEFAULTS.startTimeoutMs;
    const idleMs = settings.idleMs ?? DEFAULTS.idleMs;
    const start = () =>
      BridgeProcess.start({
        executable,
        key: newProcessKey(),
        startTimeoutMs,
        requestTimeoutMs: settings.requestTimeoutMs ?? (operationTimeoutSec + 30) * 1000,
      });
    const spare = new Spare(start, idleMs);
    const pool = new Pool({
      max: settings.maxSessions ?? DEFAULTS.maxSessions,
      idleMs,
      create: async () => {
        const bridge = (await spare.take()) ?? (await start());
        const processKey = bridge.key;
        let ssh: SshPreparation | undefined;
        try {
          ssh = await prepareSsh(connection);
          // Connecting is part of starting a member: it has the start-up's bound, not a request's.
          await bridge.request(
            connectRequest(connection, processKey, operationTimeoutSec, ssh),
            startTimeoutMs,
          );
          return bridge;
        } catch (error) {
          await bridge.close();
          throw explainConnectFailure(ssh ? await ssh.explain(error) : error, connection);
        } finally {
          await ssh?.close();
        }
      },
    });
    entry = { pool, spare };
    pools.set(key, entry);
  }
  return entry;
}

/** Closes every warm PowerShell process (tests and benchmarks; the plugin relies on idle timers). */
export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.flatMap((p) => [p.pool.close(), p.spare.close()]));
}

/** Kills every PowerShell process now, busy ones included: the plugin is exiting because its engine is gone. */
export async function terminateAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.flatMap((p) => [p.pool.terminate(), p.spare.close()]));
}

/**
 * The CIM seam over PowerShell: `local` CIM on this machine, `wsman` through one CimSession per process, or `ssh`
 * through one PowerShell remoting session per process to a node that runs the CIM calls.
 */
export class PowerShellCimSession implements CimSession, CimIntrospection {
  readonly target: string;
  private readonly pool: Pool<BridgeProcess>;
  private readonly spare: Spare;

  constructor(connection: ConnectionInputs, settings: PowerShellSettings = {}) {
    this.target = describeTarget(connection);
    ({ pool: this.pool, spare: this.spare } = poolFor(connection, settings));
  }

  /** Starts PowerShell for this connection ahead of its first call, unless a process exists already. */
  warm(): void {
    if (this.pool.members === 0) this.spare.fill();
  }

  private request(payload: Record<string, unknown>, options?: CimCallOptions): Promise<unknown> {
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason);
    return this.pool.use(async (bridge) => {
      try {
        return await bridge.request({
          namespace: options?.namespace ?? HYPERV_CLUSTER_NAMESPACE,
          ...payload,
        });
      } catch (error) {
        // The host or the connection to it went away (an SSH connection dropped, a CimSession gone stale): the
        // next call gets a fresh process and connection.
        if (error instanceof CimError && error.category === "unreachable") bridge.discard(error.message);
        throw error;
      }
    });
  }

  async query(className: string, filter?: CimFilter, options?: CimCallOptions): Promise<CimInstance[]> {
    assertName(className, "class");
    for (const name of Object.keys(filter ?? {})) assertName(name, "property");
    return ((await this.request({ op: "query", className, filter: filter ?? null }, options)) ??
      []) as CimInstance[];
  }

  async get(ref: CimRef, options?: CimCallOptions): Promise<CimInstance | undefined> {
    assertName(ref.className, "class");
    return ((await this.request({ op: "get", ref }, options)) ?? undefined) as CimInstance | undefined;
  }

  /** One bridge request for all the REFs, however many: a watcher's tick costs one PowerShell round trip. */
  async getMany(refs: readonly CimRef[], options?: CimCallOptions): Promise<(CimInstance | undefined)[]> {
    for (const ref of refs) assertName(ref.className, "class");
    if (refs.length === 0) return [];
    const found = ((await this.request({ op: "getMany", refs }, options)) ?? []) as (CimInstance | null)[];
    return refs.map((_, index) => found[index] ?? undefined);
  }

  async invoke(
    target: CimRef,
    method: string,
    args: CimArguments,
    options?: CimCallOptions,
  ): Promise<CimMethodResult> {
    assertName(method, "method");
    for (const name of Object.keys(args)) assertName(name, "argument");
    const result = (await this.request(
      { op: "invoke", target, method, arguments: args },
      options,
    )) as CimMethodResult;
    return { returnValue: result.returnValue, outParameters: result.outParameters ?? {} };
  }

  async associators(ref: CimRef, a: AssociatorOptions, options?: CimCallOptions): Promise<CimInstance[]> {
    const payload = {
      op: "associators",
      ref,
      association: a.association ?? null,
      resultClass: a.resultClass ?? null,
    };
    return ((await this.request(payload, options)) ?? []) as CimInstance[];
  }

  /** Get-CimClass for each name (bridgeDoctor.ps1): a read; null where the namespace has no such class. */
  async classes(
    names: readonly string[],
    namespace: CimNamespace,
  ): Promise<(CimClassDefinition | undefined)[]> {
    for (const name of names) assertName(name, "class");
    const found = ((await this.request({ op: "classes", classNames: names }, { namespace })) ??
      []) as (CimClassDefinition | null)[];
    return names.map((_, index) => found[index] ?? undefined);
  }

  async hostFacts(): Promise<HostFacts> {
    return (await this.request({ op: "hostFacts" })) as HostFacts;
  }

  /** Warm processes stay in the pool for the next resource; idle ones close by themselves. */
  async close(): Promise<void> {}
}
