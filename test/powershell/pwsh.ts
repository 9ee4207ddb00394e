/** Finds a PowerShell 7 for the bridge tests, or says why there is none so they can report themselves skipped. */
import * as fs from "node:fs";
import * as path from "node:path";
import { resolveExecutable } from "../../provider/powershell";
import { ensureFakeCimCmdlets } from "./fakeCimBuild";

const REPO = path.resolve(__dirname, "../..");
export const TEST_MODULES = path.join(REPO, "test/powershell/modules");

export interface Pwsh {
  /** The executable, when one was found. */
  readonly path?: string;
  /** Why there is none. */
  readonly reason?: string;
}

export function findPwsh(): Pwsh {
  if (process.env.HVR_PWSH) return { path: process.env.HVR_PWSH };
  try {
    return { path: resolveExecutable("pwsh") };
  } catch {
    // Not on PATH: the copy `npm run pwsh:install` puts in the repository, if there is one.
  }
  const installed = path.join(REPO, ".tools/pwsh", process.platform === "win32" ? "pwsh.exe" : "pwsh");
  if (fs.existsSync(installed)) return { path: installed };
  return {
    reason:
      "no PowerShell 7: pwsh is not on PATH and `npm run pwsh:install` could not install it (it needs the .NET SDK)",
  };
}

/** Points spawned PowerShell processes at the test-only CIM cmdlets and their endpoint, built if they are not. */
export function useFakeCimCmdlets(url: string): void {
  const pwsh = findPwsh().path;
  if (pwsh) ensureFakeCimCmdlets(pwsh);
  process.env.PSModulePath = TEST_MODULES;
  process.env.HVR_FAKE_CIM_URL = url;
}

export function skipTitle(title: string, pwsh: Pwsh): string {
  return pwsh.path ? title : `${title} (skipped: ${pwsh.reason})`;
}
