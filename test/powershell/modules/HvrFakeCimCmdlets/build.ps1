# Compiles HvrFakeCim.cs into the library the stand-in module loads (test/powershell/fakeCimBuild.ts runs it, once for
# each version of the source). Add-Type's own C# compiler, which PowerShell 7 carries: nothing else to install.
param([Parameter(Mandatory)][string]$Source, [Parameter(Mandatory)][string]$Output)
$ErrorActionPreference = 'Stop'
Add-Type -TypeDefinition ([System.IO.File]::ReadAllText($Source)) -OutputAssembly $Output -OutputType Library
