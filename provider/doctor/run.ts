/**
 * Runs every check, in order, against one session, and changes nothing: doctor only reads (Get-CimClass,
 * Get-CimInstance, associators), and never invokes a method. A check that needs an earlier one that failed is
 * reported as skipped, with the reason.
 */
import type { CimClassDefinition, CimSession, HostFacts } from "../cim";
import { canIntrospect } from "../cim";
import type { CollectionSelector } from "../hyperv";
import { describeSelector } from "../hyperv";
import { collectionCheck, recoveryPointCheck } from "./collectionChecks";
import {
  classChecks,
  clockCheck,
  connectFailure,
  namespaceCheck,
  powershellCheck,
  rightsCheck,
  transportCheck,
} from "./hostChecks";
import type { CheckResult, DoctorReport } from "./types";
import { notPassed } from "./types";

export interface DoctorRequest {
  /** The collections the program names, by CollectionID or ElementName. */
  readonly collections: readonly CollectionSelector[];
  /** The agent's clock (ms). */
  readonly now: () => number;
  /** A newest recovery point older than this is a warning. */
  readonly maxPointAgeMs: number;
}

export interface DoctorRun {
  readonly report: DoctorReport;
  /** What the host answered about the classes: what --record writes. */
  readonly definitions: readonly CimClassDefinition[];
  readonly facts?: HostFacts;
}

const skipped = (id: string, title: string, because: string): CheckResult =>
  notPassed("skip", id, title, `not run: ${because}`, `Fix the ${because.split(" ")[0]} check first`);

/** The checks that follow a failed connection, each named and skipped. */
function unreachable(request: DoctorRequest): CheckResult[] {
  const because = "transport failed";
  return [
    skipped("powershell", "PowerShell edition and version, CimCmdlets", because),
    skipped("namespace", "Namespace root\\HyperVCluster\\v2", because),
    ...request.collections.map((s) =>
      skipped(`collection:${describeSelector(s)}`, `Collection ${describeSelector(s)}`, because),
    ),
    skipped("clock", "Clock difference, agent and host", because),
    skipped("rights", "The account's rights (as far as a read can tell)", because),
  ];
}

/** A connection that could not even be opened (no PowerShell, say): the transport fails, the rest is skipped. */
export function notOpened(target: string, error: unknown, request: DoctorRequest): DoctorRun {
  const checks = [connectFailure(error), ...unreachable(request)];
  return { report: { target, ok: false, checks }, definitions: [] };
}

export async function runDoctor(session: CimSession, request: DoctorRequest): Promise<DoctorRun> {
  if (!canIntrospect(session)) throw new Error(`${session.target} cannot describe its classes`);
  const finish = (
    checks: CheckResult[],
    definitions: CimClassDefinition[] = [],
    facts?: HostFacts,
  ): DoctorRun => ({
    report: { target: session.target, ok: !checks.some((c) => c.status === "fail"), checks },
    definitions,
    ...(facts ? { facts } : {}),
  });
  const connected = await transportCheck(session, session.target);
  if (connected.facts === undefined) return finish([connected.check, ...unreachable(request)]);
  const facts = connected.facts;
  const checks: CheckResult[] = [connected.check, powershellCheck(facts), await namespaceCheck(session)];
  const classes = await classChecks(session);
  checks.push(...classes.checks);
  for (const selector of request.collections) {
    const found = await collectionCheck(session, selector);
    checks.push(found.check);
    if (found.collection) {
      checks.push(await recoveryPointCheck(session, found.collection, request.now(), request.maxPointAgeMs));
    }
  }
  checks.push(clockCheck(facts, request.now()));
  const readsWorked = checks.find((c) => c.id === "namespace")?.status === "pass";
  checks.push(rightsCheck(facts, readsWorked));
  return finish(checks, classes.definitions, facts);
}
