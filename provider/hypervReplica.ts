#!/usr/bin/env node
/**
 * `hyperv-replica`: the package's command for operators, run on the agent with the stack's connection settings.
 * `doctor` is its preflight. (Seeding and inspecting a simulator state file is `hyperv-replica-sim`, whose commands
 * all take that file.)
 *
 * Exit codes: 0 nothing failed, 1 a check failed, 2 the command line is wrong.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./cli/arguments";
import { doctor, DOCTOR_USAGE } from "./cli/doctor";
import { promptSecret } from "./cli/prompt";

const BIN = "hyperv-replica";

const DOCTOR_HELP = [
  `Usage: ${BIN} doctor ${DOCTOR_USAGE}`,
  "",
  "Checks, reading only, that the host will accept what the stack will ask: the transport and login, PowerShell",
  "and CimCmdlets, root\\HyperVCluster\\v2, every class and method signature the provider calls, each --collection",
  "(found once, mode, state, health) and its recovery points, the clock difference, and the account's rights.",
  "",
  "Settings: the stack file's hyperv-replica:* keys (--stack <name> reads Pulumi.<name>.yaml here), then flags:",
  "  --transport --host --port --use-ssl --skip-ca-check --skip-cn-check --skip-revocation-check",
  "  --authentication --username --ssh-key-file --ssh-host-key-fingerprint --simulator-state-file",
  "  --simulator-host --powershell",
  "The password: HYPERV_REPLICA_PASSWORD, or a prompt in a terminal; never a flag.",
  "--json prints the checks for pipelines; --record <file> writes the host's class definitions (to send us).",
  "",
  "Examples:",
  `  ${BIN} doctor --stack production --collection sql-cluster`,
  `  ${BIN} doctor --transport wsman --host hv-replica01.contoso.com --use-ssl --authentication Kerberos --json`,
  `  ${BIN} doctor --stack production --collection sql-cluster --record classes.json`,
].join("\n");

const USAGE = [
  `${BIN}: tools for operators of pulumi-hyperv-replica.`,
  "",
  "Usage:",
  `  ${BIN} doctor ${DOCTOR_USAGE}`,
  "      A read-only preflight of the stack's connection: changes nothing on the host.",
  "",
  `Help on doctor: ${BIN} doctor --help. The version: ${BIN} --version.`,
  "Exit codes: 0 nothing failed, 1 a check failed, 2 the command line is wrong.",
].join("\n");

function version(): string {
  const pkg = path.join(__dirname, "..", "package.json");
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

const isHelp = (arg: string | undefined) => arg === "--help" || arg === "-h";

export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") return (out.write(`${version()}\n`), 0);
  if (name === undefined || name === "help" || isHelp(name)) {
    if (name === "help" && rest[0] !== undefined && rest[0] !== "doctor") {
      err.write(`${BIN} help: '${rest[0]}' is not a command; the command is doctor\n`);
      return 2;
    }
    (name === undefined ? err : out).write(`${rest[0] === "doctor" ? DOCTOR_HELP : USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name !== "doctor") {
    err.write(`${BIN}: '${name}' is not a command\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.some(isHelp)) return (out.write(`${DOCTOR_HELP}\n`), 0);
  try {
    return await doctor(rest, { out, err, env: process.env, ask: (q) => promptSecret(q) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    err.write(`${BIN} doctor: ${message}\n`);
    if (error instanceof UsageError) return (err.write(`Usage: ${BIN} doctor ${DOCTOR_USAGE}\n`), 2);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
