/**
 * Builds the compiled half of the test-only CIM stand-ins (modules/HvrFakeCimCmdlets/HvrFakeCim.cs) with PowerShell's
 * own Add-Type, once for each version of the source: the module loads bin/HvrFakeCim-<hash>.dll, the hash being that
 * of the source, and refuses to load without it. The suite builds it in its global setup, before any test starts a
 * PowerShell; `useFakeCimCmdlets` makes sure of it for a bench or a single file run another way.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const MODULE = path.resolve(__dirname, "modules/HvrFakeCimCmdlets");
const SOURCE = path.join(MODULE, "HvrFakeCim.cs");
const BIN = path.join(MODULE, "bin");

/** The library's path for the source as it is now; the module computes the same (SHA-256, 16 hex digits). */
function fakeCimLibrary(): string {
  const hash = createHash("sha256").update(fs.readFileSync(SOURCE)).digest("hex").slice(0, 16);
  return path.join(BIN, `HvrFakeCim-${hash}.dll`);
}

/**
 * Builds the library unless it is there. A build goes to a folder of its own and is renamed into place, so that
 * processes building at once, or loading meanwhile, never see half a file; builds of older sources are removed.
 */
export function ensureFakeCimCmdlets(pwsh: string): void {
  const library = fakeCimLibrary();
  if (fs.existsSync(library)) return;
  fs.mkdirSync(BIN, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(BIN, ".build-"));
  try {
    const built = path.join(scratch, path.basename(library));
    const args = ["-File", path.join(MODULE, "build.ps1"), "-Source", SOURCE, "-Output", built];
    execFileSync(pwsh, ["-NoProfile", "-NonInteractive", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    fs.renameSync(built, library);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  for (const name of fs.readdirSync(BIN)) {
    if (/^HvrFakeCim-\w+\.dll$/.test(name) && name !== path.basename(library))
      fs.rmSync(path.join(BIN, name), { force: true });
  }
}
