/**
 * A loopback HTTP endpoint that serves a CimSession (the simulator) to the test-only CIM cmdlets in
 * modules/HvrFakeCimCmdlets, with the CIM type and key flag of every property, the way real CIM instances carry
 * them. It also serves Hvr_TypeProbe, one instance with a value of every awkward CIM type, for round-trip tests.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type {
  CimCallOptions,
  CimInstance,
  CimNamespace,
  CimRef,
  CimSession,
  CimValue,
} from "../../provider/cim";
import type { CimErrorCategory } from "../../provider/cim";
import { canIntrospect, CimError, isCimRef, toCimDateTime } from "../../provider/cim";

const KEYS: Readonly<Record<string, readonly string[]>> = {
  Msvm_VirtualSystemCollection: ["CollectionID"],
  Msvm_CollectionRecoveryPoint: ["InstanceID", "CollectionID"],
  Msvm_ConcreteJob: ["InstanceID"],
  Msvm_CollectionReplicationService: ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"],
  Msvm_ComputerSystem: ["CreationClassName", "Name"],
  Msvm_ShutdownComponent: ["InstanceID"],
  // root/virtualization/v2's network classes, as their HyperV_v2 pages key them.
  Msvm_VirtualSystemManagementService: ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"],
  Msvm_ReplicationService: ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"],
  Msvm_VirtualEthernetSwitch: ["CreationClassName", "Name"],
  Msvm_SyntheticEthernetPortSettingData: ["InstanceID"],
  Msvm_EthernetPortAllocationSettingData: ["InstanceID"],
  Msvm_FailoverNetworkAdapterSettingData: ["InstanceID"],
  Hvr_TypeProbe: ["Id"],
};

/** CIM types of the properties whose JSON form does not tell (numbers, 64-bit strings, nulls). */
const TYPES: Readonly<Record<string, string>> = {
  ReplicationState: "UInt16",
  ReplicationMode: "UInt16",
  FailedOverReplicationType: "UInt16",
  LastApplyConsistencyLevel: "UInt16",
  ConsistencyLevel: "UInt16",
  JobState: "UInt16",
  PercentComplete: "UInt16",
  ErrorCode: "UInt16",
  JobType: "UInt16",
  OperationalStatus: "UInt16Array",
  EnabledState: "UInt16",
  U16: "UInt16",
  U32: "UInt32",
  U64Max: "UInt64",
  S64Min: "SInt64",
  LastApplyTime: "DateTime",
  Nothing: "String",
};

const DMTF = /^\d{14}\.\d{6}([+-]\d{3}|:000)$/;

export const TYPE_PROBE: CimInstance = {
  className: "Hvr_TypeProbe",
  properties: {
    Id: "probe",
    U16: 65535,
    U32: 4294967295,
    U64Max: "18446744073709551615",
    S64Min: "-9223372036854775808",
    When: "20261123211300.123456+000",
    Interval: "00000001020304.500000:000",
    Flag: true,
    Text: "naïve 'quote' \"double\" `tick` $dollar; semi\nline ü ✓",
    TrailingNewline: "ends with a newline\n",
    Char: "x",
    Nothing: null,
    List: ["a", "b'c", 'd"e'],
  },
};

function cimType(name: string, value: CimValue): string {
  if (TYPES[name]) return TYPES[name];
  if (isCimRef(value)) return "Reference";
  if (typeof value === "boolean") return "Boolean";
  if (typeof value === "number") return "UInt32";
  if (typeof value === "string") return DMTF.test(value) ? "DateTime" : "String";
  if (Array.isArray(value)) return typeof value[0] === "number" ? "UInt16Array" : "StringArray";
  return "String";
}

function typed(instance: CimInstance) {
  const keys = KEYS[instance.className] ?? [];
  return {
    className: instance.className,
    properties: Object.entries(instance.properties).map(([name, value]) => ({
      name,
      value,
      cimType: cimType(name, value),
      key: keys.includes(name),
    })),
  };
}

function typedValue(value: unknown): unknown {
  if (isCimRef(value)) return { className: value.className, keys: value.keys, ref: true };
  return value;
}

type WqlFilter = Record<string, string | number | boolean>;

/** WQL's `=`: property names and strings compare without regard to case. */
function matchesWql(instance: CimInstance, filter: WqlFilter): boolean {
  const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
  const values = new Map(Object.entries(instance.properties).map(([k, v]) => [k.toLowerCase(), lower(v)]));
  return Object.entries(filter).every(([name, wanted]) => values.get(name.toLowerCase()) === lower(wanted));
}

/** Win32_OperatingSystem as a host shows it: only LocalDateTime, from the simulator's clock. */
async function operatingSystem(session: CimSession) {
  if (!canIntrospect(session)) throw new CimError("protocol", "this session has no clock to show");
  const { hostTime } = await session.hostFacts();
  const now = hostTime === null ? Date.now() : Date.parse(hostTime);
  return typed({ className: "Win32_OperatingSystem", properties: { LocalDateTime: toCimDateTime(now) } });
}

export interface CimServer {
  readonly url: string;
  /** Every request body as received, for tests that search what crossed the wire. */
  readonly requests: string[];
  /** SHA-256 of each password New-CimSession received (never the password itself). */
  readonly passwordHashes: string[];
  close(): Promise<void>;
}

export interface CimServerOptions {
  /** Hosts New-CimSession cannot reach. */
  readonly unreachableHosts?: readonly string[];
  /** Hosts where New-CimSession times out. */
  readonly timeoutHosts?: readonly string[];
  /** Error messages in German, as a localized Windows writes them: then only the numbers tell what happened. */
  readonly localized?: boolean;
  /** When set, New-CimSession with a credential whose password hashes otherwise is refused. */
  readonly acceptedPasswordHash?: string;
}

/** A CIM failure as CimCmdlets raise it: a CimException with numeric codes (the stand-in module rebuilds it). */
class CimFailure extends CimError {
  constructor(
    category: CimErrorCategory,
    message: string,
    readonly statusCode: number,
    readonly nativeErrorCode = 1,
  ) {
    super(category, message);
  }
}

const FAILURES = {
  // 0x80338126 ERROR_WSMAN_NETWORK_TIMEDOUT
  unreachable: {
    en: "WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network.",
    de: "WinRM kann den Vorgang nicht ausführen. Überprüfen Sie, ob der angegebene Computername gültig ist.",
    statusCode: 2150859046,
  },
  // 0x80338029 ERROR_WSMAN_OPERATION_TIMEDOUT
  timeout: {
    en: "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.",
    de: "Der WS-Verwaltungsdienst kann den Vorgang nicht innerhalb der in OperationTimeout angegebenen Zeit ausführen.",
    statusCode: 2150858793,
  },
  // ERROR_ACCESS_DENIED, with MI_RESULT_ACCESS_DENIED
  accessDenied: { en: "Access is denied.", de: "Zugriff verweigert", statusCode: 5 },
} as const;

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** `session` is read on every request, so a test can point the server at a fresh simulator. */
export async function startCimServer(
  session: () => CimSession,
  options: CimServerOptions = {},
): Promise<CimServer> {
  const requests: string[] = [];
  const passwordHashes: string[] = [];
  const fail = (category: keyof typeof FAILURES) => {
    const f = FAILURES[category];
    return new CimFailure(
      category,
      options.localized ? f.de : f.en,
      f.statusCode,
      category === "accessDenied" ? 2 : 1,
    );
  };
  const handle = async (body: Record<string, unknown>): Promise<unknown> => {
    // The namespace the cmdlet was given (Get-CimInstance -Namespace) or the instance came from (-InputObject).
    const where: CimCallOptions =
      typeof body.namespace === "string" ? { namespace: body.namespace as CimNamespace } : {};
    switch (body.op) {
      case "connect": {
        if (options.unreachableHosts?.includes(String(body.computerName))) throw fail("unreachable");
        if (options.timeoutHosts?.includes(String(body.computerName))) throw fail("timeout");
        if (typeof body.password === "string") {
          const hash = sha256(body.password);
          passwordHashes.push(hash);
          if (options.acceptedPasswordHash && hash !== options.acceptedPasswordHash)
            throw fail("accessDenied");
        }
        return { id: passwordHashes.length };
      }
      case "classes": {
        // Get-CimClass: the simulator's own definitions; a class it does not have is MI_RESULT_NOT_FOUND (6).
        const target = session();
        if (!canIntrospect(target)) throw new CimError("protocol", "this session cannot describe classes");
        const [found] = await target.classes([String(body.className)], body.namespace as CimNamespace);
        if (found === undefined) throw new CimFailure("wbem", "Not found", 0, 6);
        return found;
      }
      case "query": {
        if (body.className === "Hvr_TypeProbe") return [typed(TYPE_PROBE)];
        if (body.className === "Win32_OperatingSystem") return [await operatingSystem(session())];
        if (Array.isArray(body.anyOf)) {
          // `(a) OR (b) ...`: one read of the class, filtered here as WQL would.
          const all = await session().query(String(body.className), undefined, where);
          return all.filter((i) => (body.anyOf as WqlFilter[]).some((f) => matchesWql(i, f))).map(typed);
        }
        const filter = (body.filter ?? undefined) as WqlFilter | undefined;
        return (await session().query(String(body.className), filter, where)).map(typed);
      }
      case "invoke": {
        const result = await session().invoke(
          body.target as CimRef,
          String(body.method),
          body.arguments as Record<string, CimRef>,
          where,
        );
        return {
          returnValue: result.returnValue,
          outParameters: Object.fromEntries(
            Object.entries(result.outParameters).map(([k, v]) => [k, typedValue(v)]),
          ),
        };
      }
      case "associators":
        return (
          await session().associators(
            body.ref as CimRef,
            {
              ...(typeof body.association === "string" ? { association: body.association } : {}),
              ...(typeof body.resultClass === "string" ? { resultClass: body.resultClass } : {}),
            },
            where,
          )
        ).map(typed);
      default:
        throw new CimError("protocol", `unknown op ${String(body.op)}`);
    }
  };
  const server = http.createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      requests.push(
        body.op === "connect"
          ? JSON.stringify({ ...body, password: body.password === undefined ? undefined : "<hashed>" })
          : text,
      );
      handle(body).then(
        (data) => res.end(JSON.stringify({ ok: true, data })),
        (error: unknown) =>
          res.end(
            JSON.stringify({
              ok: false,
              error: {
                category: error instanceof CimError ? error.category : "wbem",
                message: error instanceof Error ? error.message : String(error),
                ...(error instanceof CimFailure
                  ? { statusCode: error.statusCode, nativeErrorCode: error.nativeErrorCode }
                  : {}),
              },
            }),
          ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    passwordHashes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
