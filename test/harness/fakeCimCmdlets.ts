import { ensureFakeCimCmdlets } from "../powershell/fakeCimBuild";
import { findPwsh } from "../powershell/pwsh";

/** Builds the test-only CIM stand-ins once, before the files that start PowerShell run at once and would each build. */
export default function setup(): void {
  const pwsh = findPwsh().path;
  if (pwsh) ensureFakeCimCmdlets(pwsh);
}
