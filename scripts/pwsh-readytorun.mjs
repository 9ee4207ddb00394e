// Compiles the PowerShell that `npm run pwsh:install` puts in .tools/pwsh/ ahead of time (ReadyToRun), as PowerShell's
// own release packages are (`Start-PSBuild -Crossgen` before `Start-PSPackage`). The NuGet tool package ships IL only,
// so each of its processes JIT-compiles the engine as it starts: about twice the CPU of a compiled one, and the test
// suite starts about sixty of them. The code that runs is the same; only when it is compiled changes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What a bridge process loads (read off `[AppDomain]::CurrentDomain.GetAssemblies()`), and the tool's own shim, which
 * starts PowerShell where scripts/pwsh-apphost.mjs gives it no launcher of its own.
 */
const ASSEMBLIES = [
  "pwsh.dll",
  "System.Management.Automation.dll",
  "Microsoft.PowerShell.ConsoleHost.dll",
  "Microsoft.PowerShell.Commands.Utility.dll",
  "Microsoft.PowerShell.Commands.Management.dll",
  "Microsoft.PowerShell.Security.dll",
  "Microsoft.PowerShell.MarkdownRender.dll",
  "Microsoft.ApplicationInsights.dll",
  "Newtonsoft.Json.dll",
  "Microsoft.PowerShell.GlobalTool.Shim.dll",
  "runtimes/unix/lib/netstandard1.6/Microsoft.Management.Infrastructure.dll",
];

/** Written last, so that an interrupted compilation is done again (crossgen2 takes its own output as input too). */
const MARKER = ".readytorun.json";

/** The platform as .NET names it: the runtime identifier's and crossgen2's `--targetos` spellings differ on Windows. */
export function dotnetPlatform() {
  const os = {
    linux: { rid: "linux", targetos: "linux" },
    darwin: { rid: "osx", targetos: "osx" },
    win32: { rid: "win", targetos: "windows" },
  }[process.platform];
  if (!os || !["x64", "arm64"].includes(process.arch)) return undefined;
  return { rid: `${os.rid}-${process.arch}`, targetos: os.targetos, arch: process.arch };
}

/** The one folder under the tool's store that holds pwsh.dll for this platform. */
export function toolFolder(toolPath, version) {
  const tools = join(toolPath, ".store", "powershell", version, "powershell", version, "tools");
  const platform = process.platform === "win32" ? "win" : "unix";
  for (const framework of readdirSync(tools)) {
    const folder = join(tools, framework, "any", platform);
    if (existsSync(join(folder, "pwsh.dll"))) return { folder, framework };
  }
  throw new Error(`no pwsh.dll under ${tools}`);
}

/**
 * Restores a throw-away project that asks for ReadyToRun, so that the .NET SDK itself picks and fetches the crossgen2
 * and runtime packs that match it. Returns crossgen2 and the framework assemblies to compile against.
 */
function restoreCompiler(workPath, framework, rid) {
  mkdirSync(workPath, { recursive: true });
  writeFileSync(
    join(workPath, "readytorun.csproj"),
    `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>${framework}</TargetFramework>
    <RuntimeIdentifier>${rid}</RuntimeIdentifier>
    <PublishReadyToRun>true</PublishReadyToRun>
    <SelfContained>false</SelfContained>
  </PropertyGroup>
</Project>
`,
  );
  const packages = join(workPath, "packages");
  execFileSync("dotnet", ["restore", join(workPath, "readytorun.csproj"), "--packages", packages], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const pack = (name) => {
    const root = join(packages, `microsoft.netcore.app.${name}.${rid}`);
    const [version] = readdirSync(root);
    return { root: join(root, version), version };
  };
  const crossgen = pack("crossgen2");
  const runtime = pack("runtime");
  return {
    crossgen2: join(crossgen.root, "tools", process.platform === "win32" ? "crossgen2.exe" : "crossgen2"),
    version: crossgen.version,
    references: join(runtime.root, "runtimes", rid, "lib", framework, "*.dll"),
  };
}

/**
 * Compiles the tool's assemblies in place, unless a previous run did. Each is compiled beside itself first and only
 * then put in place, so a failure leaves the IL assemblies, which work as before.
 */
export function compileReadyToRun(toolPath, version) {
  if (existsSync(join(toolPath, MARKER))) return "already compiled ahead of time";
  const platform = dotnetPlatform();
  if (!platform)
    return `not compiled ahead of time: .NET names no platform ${process.platform}-${process.arch}`;
  const { folder, framework } = toolFolder(toolPath, version);
  const workPath = join(toolPath, "..", "crossgen");
  const compiler = restoreCompiler(workPath, framework, platform.rid);
  const target = ["--targetos", platform.targetos, "--targetarch", platform.arch];
  const compiled = [];
  for (const assembly of ASSEMBLIES.filter((name) => existsSync(join(folder, name)))) {
    const input = join(folder, assembly);
    const references = ["-r", compiler.references, "-r", join(folder, "*.dll")];
    execFileSync(compiler.crossgen2, [input, "-o", `${input}.r2r`, ...references, "-O", ...target], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    compiled.push(assembly);
  }
  for (const assembly of compiled) renameSync(join(folder, `${assembly}.r2r`), join(folder, assembly));
  writeFileSync(
    join(toolPath, MARKER),
    JSON.stringify({ crossgen2: compiler.version, rid: platform.rid, compiled }, null, 2),
  );
  rmSync(workPath, { recursive: true, force: true });
  return `compiled ${compiled.length} assemblies ahead of time with crossgen2 ${compiler.version}`;
}
