/**
 * The checks about the host itself: reaching it and logging in, the PowerShell that runs the calls, the cluster
 * namespace, the classes and method signatures, the clock and the account's rights. Each only reads.
 */
import type { CimClassDefinition, CimIntrospection, CimSession, HostFacts } from "../cim";
import { CimError } from "../cim";
import { CLASS } from "../hyperv/codes";
import { PROVIDER_CONTRACT } from "../hyperv/contract";
import { classProblems } from "./signatures";
import type { CheckResult } from "./types";
import { notPassed, pass } from "./types";

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One line of advice per way a connection fails, in the words of the transport. */
const CONNECT_ADVICE: Readonly<Record<string, string>> = {
  unreachable:
    "Check the host name, that WinRM listens (Test-WSMan <host>) or sshd runs, and the firewall between agent and node",
  accessDenied:
    "Check hyperv-replica:username, the password (HYPERV_REPLICA_PASSWORD or the prompt), the authentication mechanism and, for ssh, the key and known_hosts",
  timeout: "The host answered too slowly: check the network path and the node's load, then run doctor again",
  environment:
    "Install PowerShell 7 (pwsh) on the agent, or set hyperv-replica:powershell to powershell.exe or a path",
};

const TRANSPORT_TITLE = "Transport reachable, credentials log in";

/** Reaching the host and logging in: the first read through the session opens the connection. */
export async function transportCheck(
  session: CimIntrospection,
  target: string,
): Promise<{ check: CheckResult; facts?: HostFacts }> {
  const title = TRANSPORT_TITLE;
  try {
    const facts = await session.hostFacts();
    const as = facts.account === null ? "" : ` as ${facts.account}`;
    return { check: pass("transport", title, `connected to ${target}${as}`), facts };
  } catch (error) {
    return { check: connectFailure(error) };
  }
}

/** The transport check of a connection that failed to open or to answer its first read. */
export function connectFailure(error: unknown): CheckResult {
  const category = error instanceof CimError ? error.category : "wbem";
  const advice =
    CONNECT_ADVICE[category] ?? "Read the message above; the README's Connection section has set-up steps";
  return notPassed("fail", "transport", TRANSPORT_TITLE, messageOf(error), advice);
}

/** PowerShell 7 or Windows PowerShell 5.1, with the CIM cmdlets the bridge calls. */
export function powershellCheck(facts: HostFacts): CheckResult {
  const id = "powershell";
  const title = "PowerShell edition and version, CimCmdlets";
  if (facts.psEdition === "Simulator") return pass(id, title, "the simulator: no PowerShell involved");
  const shown = `PowerShell ${facts.psVersion ?? "?"} (${facts.psEdition ?? "?"})`;
  if (facts.cimCmdlets === null) {
    return notPassed(
      "fail",
      id,
      title,
      `${shown} has no Get-CimClass/Get-CimInstance/Invoke-CimMethod`,
      "Run on Windows, where PowerShell ships the CimCmdlets module, or use the ssh transport to a node",
    );
  }
  const major = Number((facts.psVersion ?? "").split(".")[0]);
  const supported =
    (facts.psEdition === "Core" && major >= 7) || (facts.psEdition === "Desktop" && major === 5);
  const detail = `${shown}, cmdlets from ${facts.cimCmdlets}`;
  if (supported) return pass(id, title, detail);
  return notPassed(
    "warn",
    id,
    title,
    detail,
    "Use PowerShell 7 (pwsh) or Windows PowerShell 5.1, the versions the bridge is tested on",
  );
}

/** root\HyperVCluster\v2 answers, with one Msvm_CollectionReplicationService. */
export async function namespaceCheck(session: CimSession): Promise<CheckResult> {
  const id = "namespace";
  const title = "Namespace root\\HyperVCluster\\v2";
  const advice =
    "Point the connection at a node of the replica cluster (Hyper-V role and Failover Clustering): the namespace exists only on cluster nodes";
  try {
    const services = await session.query(CLASS.replicationService);
    if (services.length === 1) {
      return pass(
        id,
        title,
        `${CLASS.replicationService} on ${String(services[0]?.properties.SystemName ?? "?")}`,
      );
    }
    return notPassed(
      "fail",
      id,
      title,
      `${services.length} instances of ${CLASS.replicationService}`,
      advice,
    );
  } catch (error) {
    return notPassed("fail", id, title, messageOf(error), advice);
  }
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export interface ClassReading {
  readonly checks: CheckResult[];
  /** What the host answered, for --record: every class it has, in the order of the contract. */
  readonly definitions: CimClassDefinition[];
}

/** Every class and method signature the provider relies on, one check per class. */
export async function classChecks(session: CimIntrospection): Promise<ClassReading> {
  const checks: CheckResult[] = [];
  const definitions: CimClassDefinition[] = [];
  for (const need of PROVIDER_CONTRACT) {
    const id = `class:${need.className}`;
    const title = `Class ${need.className}`;
    try {
      const [definition] = await session.classes([need.className], need.namespace);
      if (definition) definitions.push(definition);
      const problems = classProblems(need, definition);
      if (problems.length === 0) {
        const parts = [
          ...(need.methods.length > 0
            ? [`${count(need.methods.length, "method signature")} as the provider calls them`]
            : []),
          ...(need.properties.length > 0
            ? [`${count(need.properties.length, "property", "properties")} present`]
            : []),
        ];
        checks.push(pass(id, title, parts.length > 0 ? parts.join(", ") : "present"));
      } else {
        const advice =
          "Run doctor --record FILE and send us the file: this host's classes differ from the ones the provider was built against";
        checks.push(notPassed("fail", id, title, problems.join("; "), advice));
      }
    } catch (error) {
      checks.push(
        notPassed(
          "fail",
          id,
          title,
          messageOf(error),
          "Check that the account may read the namespace (Get-CimClass)",
        ),
      );
    }
  }
  return { checks, definitions };
}

/** More than this apart, Kerberos refuses tickets (its default maximum tolerance for clock skew is 5 minutes). */
const KERBEROS_SKEW_MS = 5 * 60_000;
/** More than this apart, job and recovery point times read wrong beside the agent's. */
const WARN_SKEW_MS = 30_000;

export function clockCheck(facts: HostFacts, agentNow: number): CheckResult {
  const id = "clock";
  const title = "Clock difference, agent and host";
  if (facts.hostTime === null) {
    return notPassed(
      "warn",
      id,
      title,
      "the host's clock could not be read (Win32_OperatingSystem)",
      "Compare the clocks by hand (Get-Date on the node); keep both on the domain's time source",
    );
  }
  const skew = Date.parse(facts.hostTime) - agentNow;
  const detail = `the host is ${Math.abs(Math.round(skew / 1000))} s ${skew >= 0 ? "ahead of" : "behind"} the agent`;
  if (Math.abs(skew) <= WARN_SKEW_MS) return pass(id, title, detail);
  const advice =
    "Synchronize both clocks with the domain's time source (w32tm /resync on the node, NTP on the agent)";
  return notPassed(Math.abs(skew) > KERBEROS_SKEW_MS ? "fail" : "warn", id, title, detail, advice);
}

/** What a read can tell of the account's rights: membership where the token is visible, else that reads work. */
export function rightsCheck(facts: HostFacts, readsWorked: boolean): CheckResult {
  const id = "rights";
  const title = "The account's rights (as far as a read can tell)";
  if (facts.psEdition === "Simulator") return pass(id, title, "the simulator: no accounts");
  const advice =
    "Add the account to Hyper-V Administrators (or Administrators) on every node of the replica cluster";
  if (facts.hyperVAdministrator === false) {
    return notPassed(
      "fail",
      id,
      title,
      `${facts.account ?? "the account"} is in neither Administrators nor Hyper-V Administrators`,
      advice,
    );
  }
  if (!readsWorked)
    return notPassed("fail", id, title, "the account could not read the classes it needs", advice);
  if (facts.hyperVAdministrator === true)
    return pass(id, title, `${facts.account ?? "the account"} is a Hyper-V administrator`);
  return notPassed(
    "warn",
    id,
    title,
    "reads are allowed; over WinRM the token is on the host, so whether methods are allowed cannot be read",
    `Make sure: ${advice}`,
  );
}
