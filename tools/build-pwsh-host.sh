#!/usr/bin/env bash
# Builds a PowerShell 7 host into .tools/pwsh/ for the bridge tests, when no `pwsh` is installed.
#
# The PowerShell global tool (`dotnet tool install PowerShell`) is not in every NuGet feed; the
# System.Management.Automation package is. This host runs that package's real PowerShell engine (parser, language,
# modules, error handling, Microsoft.PowerShell.Core cmdlets) behind a minimal console host that speaks the
# `-Command -` stdin protocol node-powershell uses. It is a test tool: users run the provider with real pwsh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../.tools/pwsh"
if [ -x "$out/pwsh" ] && [ "$out/pwsh" -nt "$here/pwsh-host/Program.cs" ]; then
  echo "PowerShell host already built: $out/pwsh"
  exit 0
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet is not installed: cannot build the PowerShell host" >&2
  exit 1
fi
cd "$here/pwsh-host"
dotnet restore -r linux-x64 -p:PublishReadyToRun=true --nologo -v quiet
dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true --no-restore --nologo -v quiet -o "$out"
echo "PowerShell host built: $out/pwsh"
