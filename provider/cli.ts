#!/usr/bin/env node
/**
 * `hyperv-replica-sim`: seeds and inspects a simulator state file, so that a pipeline can rehearse a DR drill without
 * Hyper-V. Point a stack at the file with `hyperv-replica:transport simulator` and
 * `hyperv-replica:simulatorStateFile <file>`, run `pulumi up`, then read what the simulated host was asked to do.
 *
 * Exit codes: 0 done, 1 the operation failed (no such file or collection, ...), 2 the command line is wrong.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { Command, Parsed, Values } from "./cli/arguments";
import { BIN, UsageError } from "./cli/arguments";
import { COMMANDS } from "./cli/commands";
const usageLine = (name: string, command: Command) => `${BIN} ${name} <stateFile> ${command.usage}`.trimEnd();

function usage(): string {
  const lines = Object.entries(COMMANDS).flatMap(([name, c]) => [
    `  ${usageLine(name, c)}`,
    `      ${c.summary}`,
  ]);
  return [
    `${BIN}: seed and inspect a Hyper-V simulator state file, to rehearse DR pipelines without Hyper-V.`,
    "",
    "Usage:",
    ...lines,
    "",
    "Point a stack at the file: pulumi config set hyperv-replica:transport simulator",
    "                           pulumi config set hyperv-replica:simulatorStateFile <stateFile>",
    "Exit codes: 0 done, 1 the operation failed, 2 the command line is wrong.",
  ].join("\n");
}

function parse(name: string, command: Command, argv: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [stateFile, ...rest] = parsed.positionals;
  const required = command.positionals ?? [];
  const names = [...required, ...(command.optional ?? [])];
  if (stateFile === undefined) throw new UsageError(`${name} needs the state file`);
  if (rest.length < required.length) throw new UsageError(`${name} needs <${required[rest.length]}>`);
  if (rest.length > names.length) throw new UsageError(`unexpected argument '${rest[names.length]}'`);
  const optionalArg = (n: string) => {
    const index = names.indexOf(n);
    return index < 0 ? undefined : rest[index];
  };
  const arg = (n: string) => optionalArg(n) ?? "";
  return { file: path.resolve(stateFile), arg, optionalArg, values: parsed.values as Values };
}

/** Runs one command line; returns the exit code. */
export async function main(
  argv: readonly string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? err : out).write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    err.write(`${BIN}: '${name}' is not a command\n\n${usage()}\n`);
    return 2;
  }
  try {
    const parsed = parse(name, command, rest);
    if (command.needsFile && !fs.existsSync(parsed.file)) {
      throw new Error(`${parsed.file} does not exist; create it first: ${BIN} init ${parsed.file}`);
    }
    out.write(`${await command.run(parsed)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      err.write(`${BIN} ${name}: ${message}\nUsage: ${usageLine(name, command)}\n`);
      return 2;
    }
    err.write(`${BIN} ${name}: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
