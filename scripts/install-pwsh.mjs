// Gives the PowerShell bridge tests the real PowerShell: where no `pwsh` is on PATH, installs PowerShell as a .NET
// tool into .tools/pwsh/ (the same `pwsh` users run, from NuGet). Runs before `npm test`; `.ci/run` passes --required
// so that CI fails here instead of skipping the bridge tests.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { delimiter, join } from "node:path";
import { linkApphost } from "./pwsh-apphost.mjs";
import { compileReadyToRun, toolFolder } from "./pwsh-readytorun.mjs";

const VERSION = "7.6.9";
const TOOL_PATH = join(process.cwd(), ".tools", "pwsh");
const required = process.argv.includes("--required");

function onPath(name) {
  const exts = process.platform === "win32" ? [".exe", ".cmd"] : [""];
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => exts.some((ext) => existsSync(join(dir, name + ext))));
}

function finish(message, ok) {
  (ok ? console.log : console.error)(`pwsh: ${message}`);
  if (!ok && required) process.exit(1);
  process.exit(0);
}

if (process.env.HVR_PWSH) finish(`using HVR_PWSH=${process.env.HVR_PWSH}`, true);
if (onPath("pwsh")) finish("using pwsh from PATH", true);
if (!existsSync(join(TOOL_PATH, ".store", "powershell", VERSION))) install();
compile();
launch();
finish(`using ${TOOL_PATH}`, true);

function install() {
  if (spawnSync("dotnet", ["--version"], { stdio: "ignore" }).status !== 0) {
    finish(
      "no pwsh on PATH and no .NET SDK to install it with: the PowerShell bridge tests will be skipped",
      false,
    );
  }
  // Anything else in the folder (an older install, another version) is replaced.
  rmSync(TOOL_PATH, { recursive: true, force: true });
  console.log(`pwsh: installing PowerShell ${VERSION} into ${TOOL_PATH}`);
  try {
    execFileSync(
      "dotnet",
      ["tool", "install", "PowerShell", "--version", VERSION, "--tool-path", TOOL_PATH],
      {
        stdio: "inherit",
      },
    );
  } catch (error) {
    finish(
      `dotnet tool install failed (${error.message}): the PowerShell bridge tests will be skipped`,
      false,
    );
  }
}

// A PowerShell left as IL works the same, only slower to start: a failed compilation is said, not fatal.
function compile() {
  try {
    console.log(`pwsh: ${compileReadyToRun(TOOL_PATH, VERSION)}`);
  } catch (error) {
    console.error(
      `pwsh: not compiled ahead of time (${error.message}); each PowerShell will start more slowly`,
    );
  }
}

// The shim works the same, only as two processes: a launcher that could not be made is said, not fatal.
function launch() {
  try {
    console.log(`pwsh: ${linkApphost(TOOL_PATH, toolFolder(TOOL_PATH, VERSION).folder)}`);
  } catch (error) {
    console.error(`pwsh: ${error.message}; pwsh starts PowerShell through the .NET tool's shim`);
  }
}
