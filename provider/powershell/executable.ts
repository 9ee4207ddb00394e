import * as fs from "node:fs";
import * as path from "node:path";
import { CimError } from "../cim";

/** The PowerShell to run: NODE_POWERSHELL (an override from the agent's environment), then the configured one, then pwsh. */
export function chooseExecutable(configured: string | undefined): string {
  return process.env.NODE_POWERSHELL || configured || "pwsh";
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, process.platform === "win32" ? fs.constants.F_OK : fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the executable the way the operating system would, so that a missing PowerShell is one clear error before
 * any process is started, rather than a spawn failure.
 */
export function resolveExecutable(executable: string): string {
  if (executable.includes("/") || executable.includes("\\")) {
    if (isExecutableFile(executable)) return executable;
    throw missing(executable, `${executable} does not exist or is not executable`);
  }
  const extensions =
    process.platform === "win32" ? ["", ...(process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const ext of extensions) {
      const candidate = path.join(dir, executable + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  throw missing(executable, `'${executable}' is not on PATH`);
}

function missing(executable: string, why: string): CimError {
  return new CimError(
    "environment",
    `PowerShell was not found: ${why}. Install PowerShell 7 or set hyperv-replica:powershell to pwsh, powershell.exe, or the full path of either (tried '${executable}')`,
  );
}
