/**
 * `hyperv-replica doctor`: a read-only preflight of the connection a stack uses. It reads the stack file's
 * `hyperv-replica:*` keys (flags win), takes the password from HYPERV_REPLICA_PASSWORD or a prompt, runs every
 * check and changes nothing on the host. Exit code 0 only when no check failed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { CimSession } from "../cim";
import { describeTarget } from "../cim/connection";
import type { DoctorRun } from "../doctor/run";
import { notOpened, runDoctor } from "../doctor/run";
import type { SettingsSources } from "../doctor/settings";
import { PASSWORD_ENV, resolveSettings, settingsCheck, wantsPassword } from "../doctor/settings";
import { readStackFile } from "../doctor/stackFile";
import { pulumiSecret, stackOfFile } from "../doctor/stackSecret";
import { notPassed } from "../doctor/types";
import type { CollectionSelector } from "../hyperv";
import { closeAllPools } from "../powershell";
import type { SessionFactory } from "../runtime/connection";
import { CONFIG_NAMESPACE, openSession } from "../runtime/connection";
import { GUID } from "../runtime/rules";
import { UsageError } from "./arguments";
import { doctorTable, recordFile } from "./doctorOutput";

/** Flags that set a connection key, by the key they set. */
const KEY_FLAGS: Readonly<Record<string, string>> = {
  transport: "transport",
  host: "host",
  port: "port",
  "use-ssl": "useSsl",
  "skip-ca-check": "skipCACheck",
  "skip-cn-check": "skipCNCheck",
  "skip-revocation-check": "skipRevocationCheck",
  authentication: "authentication",
  username: "username",
  "ssh-key-file": "sshKeyFile",
  "ssh-host-key-fingerprint": "sshHostKeyFingerprint",
  "simulator-state-file": "simulatorStateFile",
  "simulator-host": "simulatorHost",
  powershell: "powershell",
};
const BOOLEAN_FLAGS = new Set(["use-ssl", "skip-ca-check", "skip-cn-check", "skip-revocation-check"]);

export const DOCTOR_OPTIONS = {
  ...Object.fromEntries(
    Object.keys(KEY_FLAGS).map((f) => [f, { type: BOOLEAN_FLAGS.has(f) ? "boolean" : "string" }]),
  ),
  stack: { type: "string" },
  "stack-file": { type: "string" },
  collection: { type: "string", multiple: true },
  "max-point-age": { type: "string" },
  json: { type: "boolean" },
  record: { type: "string" },
  password: { type: "string" },
} as const;

export const DOCTOR_USAGE =
  "[--stack <name> | --stack-file <Pulumi.<stack>.yaml>] [--<connection flag> <value>]... [--collection <name|id>]... [--max-point-age <minutes>] [--json] [--record <file>]";

export interface DoctorIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Asks for the password without echo; undefined where there is no terminal to ask on. */
  readonly ask?: (question: string) => Promise<string | undefined>;
  readonly openSession?: SessionFactory;
  readonly now?: () => number;
}

type Values = ReturnType<typeof parse>["values"];

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: DOCTOR_OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] ?? String(error));
  }
}

function selectors(values: Values): CollectionSelector[] {
  return ((values.collection as string[] | undefined) ?? []).map((c) =>
    GUID.test(c) ? { id: c } : { name: c },
  );
}

function stackFileOf(values: Values): string | undefined {
  const file = values["stack-file"] as string | undefined;
  const stack = values.stack as string | undefined;
  if (file !== undefined && stack !== undefined)
    throw new UsageError("give --stack or --stack-file, not both");
  if (file !== undefined) return path.resolve(file);
  // `contoso/production` keeps its settings in Pulumi.production.yaml: the file is named for the stack alone.
  return stack === undefined ? undefined : path.resolve(`Pulumi.${stack.split("/").pop() ?? stack}.yaml`);
}

function maxPointAge(values: Values): number {
  const text = (values["max-point-age"] as string | undefined) ?? "60";
  const minutes = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(minutes >= 1 && minutes <= 525_600)) {
    throw new UsageError(`--max-point-age must be a whole number of minutes from 1 to 525600, got '${text}'`);
  }
  return minutes * 60_000;
}

/** The stack's own secret password, through the Pulumi CLI, when the stack file holds one. */
function fromPulumi(values: Values, file: string | undefined, sources: SettingsSources): string | undefined {
  const key = `${CONFIG_NAMESPACE}:password`;
  if (file === undefined || !sources.stack?.secrets.includes(key)) return undefined;
  const stack = (values.stack as string | undefined) ?? stackOfFile(file);
  return stack === undefined ? undefined : pulumiSecret(stack, key, path.dirname(file));
}

async function sourcesFrom(values: Values, io: DoctorIo): Promise<SettingsSources> {
  const file = stackFileOf(values);
  if (file !== undefined && !fs.existsSync(file))
    throw new UsageError(`${file} does not exist; name the stack file with --stack-file`);
  const flags: Record<string, string> = {};
  for (const [flag, key] of Object.entries(KEY_FLAGS)) {
    const value = values[flag as keyof Values];
    if (value !== undefined) flags[key] = String(value);
  }
  const envPassword = io.env[PASSWORD_ENV];
  const sources: SettingsSources = {
    ...(file !== undefined ? { stack: { ...readStackFile(file), file } } : {}),
    flags,
    ...(envPassword !== undefined && envPassword !== "" ? { password: envPassword } : {}),
  };
  if (!wantsPassword(sources)) return sources;
  const secret = fromPulumi(values, file, sources);
  if (secret !== undefined) return { ...sources, password: secret };
  if (io.ask === undefined) return sources;
  const asked = await io.ask("Password (not shown): ");
  return asked === undefined || asked === "" ? sources : { ...sources, password: asked };
}

async function check(values: Values, io: DoctorIo): Promise<DoctorRun> {
  const request = {
    collections: selectors(values),
    now: io.now ?? Date.now,
    maxPointAgeMs: maxPointAge(values),
  };
  const settings = resolveSettings(await sourcesFrom(values, io));
  const first = settingsCheck(settings);
  if (first.status === "fail") {
    const rest = notPassed(
      "skip",
      "transport",
      "Transport reachable, credentials log in",
      "not run: settings failed",
      "Fix the settings check first",
    );
    return { report: { target: "(no connection)", ok: false, checks: [first, rest] }, definitions: [] };
  }
  let session: CimSession | undefined;
  try {
    let run: DoctorRun;
    try {
      session = await (io.openSession ?? openSession)(settings.connection, settings.config);
      run = await runDoctor(session, request);
    } catch (error) {
      if (session !== undefined) throw error;
      run = notOpened(describeTarget(settings.connection), error, request);
    }
    return { ...run, report: { ...run.report, checks: [first, ...run.report.checks] } };
  } finally {
    await session?.close();
    await closeAllPools();
  }
}

/** Runs doctor; returns the exit code: 0 nothing failed, 1 a check failed, 2 the command line is wrong. */
export async function doctor(argv: readonly string[], io: DoctorIo): Promise<number> {
  const { values } = parse(argv);
  if (values.password !== undefined) {
    throw new UsageError(
      `--password is not taken: a password on the command line is visible to other processes; set ${PASSWORD_ENV} or answer the prompt`,
    );
  }
  const run = await check(values, io);
  const record = values.record as string | undefined;
  if (record !== undefined) {
    fs.writeFileSync(
      path.resolve(record),
      recordFile(run.definitions, run.facts, new Date((io.now ?? Date.now)())),
    );
  }
  io.out.write(
    values.json === true ? `${JSON.stringify(run.report, null, 2)}\n` : `${doctorTable(run.report)}\n`,
  );
  return run.report.ok ? 0 : 1;
}
