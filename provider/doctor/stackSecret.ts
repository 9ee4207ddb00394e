/**
 * A stack's secret, decrypted by the Pulumi CLI (`pulumi config get <key> --stack <stack>`), the one program that
 * holds the stack's secrets provider. The value comes back on the child's stdout: it is never an argument, never in
 * the environment, and never printed.
 */
import { execFileSync } from "node:child_process";

/** The secret, or `undefined` when the CLI is missing, not logged in, or the stack has no such key. */
export function pulumiSecret(stack: string, key: string, cwd: string): string | undefined {
  try {
    const value = execFileSync("pulumi", ["config", "get", key, "--stack", stack], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      windowsHide: true,
      timeout: 60_000,
    });
    const line = value.replace(/\r?\n$/, "");
    return line === "" ? undefined : line;
  } catch {
    return undefined;
  }
}

/** The stack a stack file belongs to: `Pulumi.production.yaml` is the stack `production`. */
export function stackOfFile(file: string): string | undefined {
  return /(?:^|[\\/])Pulumi\.([^\\/]+)\.ya?ml$/.exec(file)?.[1];
}
