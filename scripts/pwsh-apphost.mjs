// Gives the PowerShell that `npm run pwsh:install` puts in .tools/pwsh/ a native launcher, as PowerShell's release
// packages have (/usr/bin/pwsh links to /opt/microsoft/powershell/7/pwsh, an executable beside pwsh.dll). The .NET
// tool's own `pwsh` is a shim that starts `dotnet pwsh.dll` as a second process and waits for it: each PowerShell
// is then two processes, about 70 ms slower to start, and a shim killed with SIGKILL leaves PowerShell running with
// no parent. With the launcher, the process the bridge starts and stops is PowerShell itself, as on a real install.
//
// The launcher is the .NET SDK's own apphost template, which the SDK itself copies for every app it builds, with the
// app's path written where the template holds a placeholder. Only Linux is done: macOS would also need the binary
// signed again, and Windows users run an installed PowerShell.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { Buffer } from "node:buffer";
import { dirname, join, relative } from "node:path";
import { dotnetPlatform } from "./pwsh-readytorun.mjs";

/** sha256("foobar"): the 64 bytes in the apphost template that the SDK overwrites with the app's path. */
const PLACEHOLDER = Buffer.from("c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2");

/** Makes `<toolPath>/pwsh` a link to a launcher beside pwsh.dll. Returns what it did, or throws why it could not. */
export function linkApphost(toolPath, pwshFolder) {
  const entry = join(toolPath, "pwsh");
  if (lstatSync(entry).isSymbolicLink()) return "pwsh already starts PowerShell directly";
  if (process.platform !== "linux") return "pwsh starts PowerShell through the .NET tool's shim";
  const launcher = join(pwshFolder, "pwsh");
  writeLauncher(apphostTemplate(), launcher);
  const version = launcherVersion(launcher);
  // The link replaces the shim in one rename: there is always a `pwsh` that starts PowerShell.
  rmSync(`${entry}.link`, { force: true });
  symlinkSync(relative(toolPath, launcher), `${entry}.link`);
  renameSync(`${entry}.link`, entry);
  return `pwsh starts PowerShell ${version} directly (${relative(toolPath, launcher)})`;
}

/** Starts PowerShell through the new launcher once; a launcher that cannot is removed. */
function launcherVersion(launcher) {
  const args = ["-NoLogo", "-NoProfile", "-Command", "$PSVersionTable.PSVersion.ToString()"];
  try {
    return execFileSync(launcher, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    rmSync(launcher, { force: true });
    throw new Error(`the launcher did not start PowerShell: ${error.stderr || error.message}`);
  }
}

/** The apphost template of the SDK on PATH, for this machine's runtime identifier. */
function apphostTemplate() {
  const rid = dotnetPlatform()?.rid;
  if (!rid) throw new Error(`.NET ships no apphost for ${process.platform}-${process.arch}`);
  const root = dotnetRoot();
  const packs = join(root, "packs", `Microsoft.NETCore.App.Host.${rid}`);
  if (!existsSync(packs)) throw new Error(`the .NET SDK in ${root} has no apphost pack (${packs})`);
  const [newest] = readdirSync(packs).sort(byVersion).reverse();
  return join(packs, newest, "runtimes", rid, "native", "apphost");
}

/** Where the SDK lives: `dotnet --list-sdks` prints each SDK as `10.0.401 [/usr/share/dotnet/sdk]`. */
function dotnetRoot() {
  const listing = execFileSync("dotnet", ["--list-sdks"], { encoding: "utf8" });
  const match = /\[(.+)\]\s*$/m.exec(listing);
  if (!match) throw new Error(`dotnet --list-sdks named no SDK folder: ${listing.trim()}`);
  return dirname(match[1]);
}

/** Copies the template with `pwsh.dll` in place of the placeholder; written beside, then moved, so it is never half there. */
function writeLauncher(template, launcher) {
  const bytes = readFileSync(template);
  const at = bytes.indexOf(PLACEHOLDER);
  if (at < 0 || bytes.indexOf(PLACEHOLDER, at + 1) >= 0)
    throw new Error(`${template} does not hold the apphost placeholder exactly once`);
  // The path is relative to the launcher's own folder, padded with zeros as the SDK does.
  const path = Buffer.alloc(PLACEHOLDER.length);
  path.write("pwsh.dll");
  path.copy(bytes, at);
  writeFileSync(`${launcher}.tmp`, bytes);
  chmodSync(`${launcher}.tmp`, 0o755);
  renameSync(`${launcher}.tmp`, launcher);
}

function byVersion(a, b) {
  const parts = (v) => v.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
