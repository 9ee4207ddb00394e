/** Runs the built `hyperv-replica-sim` (dist/cli.js) as a pipeline would: a separate Node.js process. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/plugin";

export const CLI = path.join(REPO_ROOT, "dist", "cli.js");

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function cli(args: readonly string[], cwd = REPO_ROOT): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Fails early, and clearly, when the build the tests run against is missing. */
export function requireBuild(): void {
  for (const file of [CLI, path.join(REPO_ROOT, "dist", "doors", "dynamic.js")]) {
    if (!fs.existsSync(file))
      throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  }
}
