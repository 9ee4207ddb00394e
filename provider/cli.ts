#!/usr/bin/env node
/**
 * `hyperv-replica-sim`: seeds and inspects a simulator state file, so that a pipeline can rehearse a DR drill without
 * Hyper-V. Point a stack at the file with `hyperv-replica:transport simulator` and
 * `hyperv-replica:simulatorStateFile <file>`, run `pulumi up`, then read what the simulated host was asked to do.
 *
 * Exit codes: 0 done, 1 the operation failed (no such file or collection, ...), 2 the command line is wrong.
 * `<command> --help` and `help <command>` print one command's help; `--version` the package's version.
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
    `Help on one command: ${BIN} <command> --help. The version: ${BIN} --version.`,
    "Exit codes: 0 done, 1 the operation failed, 2 the command line is wrong.",
  ].join("\n");
}

/** One command's help: its usage, what it does and examples. */
function commandHelp(name: string, command: Command): string {
  const examples = command.examples ?? [];
  return [
    `Usage: ${usageLine(name, command)}`,
    "",
    command.summary,
    ...(examples.length > 0 ? ["", "Examples:", ...examples.map((e) => `  ${BIN} ${e}`)] : []),
  ].join("\n");
}

const isHelp = (arg: string | undefined) => arg === "--help" || arg === "-h";

function version(): string {
  const pkg = path.join(__dirname, "..", "package.json");
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

/** Node's parser says "ambiguous" of `--times -1`, and "Unknown option" of a positional -5: say it in our words. */
function parseError(error: Error): UsageError {
  const ambiguous = /Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(error.message);
  if (ambiguous) {
    return new UsageError(
      `${ambiguous[1]} needs a value, and a value that starts with '-' is read as an option: negative numbers are not accepted`,
    );
  }
  const negative = /Unknown option '(-\d[\d.]*)'/.exec(error.message);
  if (negative) {
    return new UsageError(`${negative[1]} is read as an option: negative numbers are not accepted here`);
  }
  return new UsageError(error.message.split("\n")[0] ?? error.message);
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
    throw parseError(error as Error);
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

const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EISDIR: "is a folder; give the path of a state file, such as drill/cluster.json",
  ERR_FS_EISDIR: "is a folder; give the path of a state file, such as drill/cluster.json",
  EEXIST: "is in the way: a file stands where a folder of the path should be",
  ENOTDIR: "is in the way: a file stands where a folder of the path should be",
  EACCES: "cannot be written or read by this account",
  EROFS: "is on a read-only file system",
};

/** A system error in people's words, naming the path; other errors keep their own message. */
function describeFailure(error: unknown, file: string | undefined): string {
  const { code, path: where } = (error ?? {}) as { code?: string; path?: string };
  const words = code === undefined ? undefined : SYSTEM_ERRORS[code];
  if (words !== undefined) return `${where ?? file ?? "the state file"} ${words} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs one command line; returns the exit code. */
export async function main(
  argv: readonly string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") {
    out.write(`${version()}\n`);
    return 0;
  }
  if (name === "help" && rest[0] !== undefined) return help(rest[0], out, err);
  if (name === undefined || name === "help" || isHelp(name)) {
    (name === undefined ? err : out).write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    err.write(`${BIN}: '${name}' is not a command\n\n${usage()}\n`);
    return 2;
  }
  if (rest.some(isHelp)) return help(name, out, err);
  let file: string | undefined;
  try {
    const parsed = parse(name, command, rest);
    file = parsed.file;
    if (command.needsFile && !fs.existsSync(parsed.file)) {
      throw new Error(`${parsed.file} does not exist; create it first: ${BIN} init ${parsed.file}`);
    }
    out.write(`${await command.run(parsed)}\n`);
    return 0;
  } catch (error) {
    const message = describeFailure(error, file);
    if (error instanceof UsageError) {
      err.write(`${BIN} ${name}: ${message}\nUsage: ${usageLine(name, command)}\n`);
      return 2;
    }
    err.write(`${BIN} ${name}: ${message}\n`);
    return 1;
  }
}

function help(name: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    err.write(
      `${BIN} help: '${name}' is not a command; the commands are ${Object.keys(COMMANDS).join(", ")}\n`,
    );
    return 2;
  }
  out.write(`${commandHelp(name, command)}\n`);
  return 0;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
