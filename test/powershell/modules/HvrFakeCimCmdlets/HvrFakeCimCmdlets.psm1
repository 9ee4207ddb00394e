# Test-only stand-ins for the CimCmdlets the bridge uses (CimCmdlets do not exist on Linux). PowerShell loads this
# module by itself when the bridge first calls Get-CimInstance, because the tests put this folder on PSModulePath.
# Each cmdlet forwards to a loopback HTTP endpoint ($env:HVR_FAKE_CIM_URL) that serves the Hyper-V simulator, and
# returns objects shaped like CIM instances: CimClass.CimClassName, and CimInstanceProperties with Name, Value,
# CimType and Flags, holding .NET values of the CIM types (UInt16, UInt64, DateTime, TimeSpan, ...).
# Written for the core language only: no Utility or Management cmdlets, whose modules take long to load.

Set-StrictMode -Version 3.0

# The wire and the conversions are compiled (HvrFakeCim.cs), as the real cmdlets are: build.ps1 builds them once for each
# version of the source, under a name that carries its hash, so that a build of older source is never loaded.
$script:Source = [System.IO.Path]::Combine($PSScriptRoot, 'HvrFakeCim.cs')
$script:Hash = [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData([System.IO.File]::ReadAllBytes($script:Source))).Substring(0, 16).ToLowerInvariant()
$script:Library = [System.IO.Path]::Combine($PSScriptRoot, 'bin', "HvrFakeCim-$($script:Hash).dll")
if (-not [System.IO.File]::Exists($script:Library)) {
    throw "HvrFakeCimCmdlets: $($script:Library) is not built; the tests build it (test/powershell/fakeCimBuild.ts)"
}
[void][System.Reflection.Assembly]::LoadFrom($script:Library)

# Raises a failure from the endpoint the way CimCmdlets would: a terminating error. A CIM failure carries its numbers and
# no category that would tell; other failures keep a matching category.
function Invoke-FakeCim($Cmdlet, [System.Collections.IDictionary]$Body) {
    $envelope = [HvrFakeCim.Wire]::Post($env:HVR_FAKE_CIM_URL, $Body)
    if ($envelope.ok) { return , $envelope.data }
    $failure = $envelope.error
    if ($failure.Contains('statusCode')) {
        $exception = [HvrFakeCim.HvrFakeCimException]::new([string]$failure.message, [long]$failure.nativeErrorCode, [uint32]$failure.statusCode)
        $record = [System.Management.Automation.ErrorRecord]::new($exception, 'HvrFakeCim', 'NotSpecified', $null)
        $Cmdlet.ThrowTerminatingError($record)
    }
    $category = switch ($failure.category) {
        'unreachable' { 'ConnectionError' }
        'accessDenied' { 'AuthenticationError' }
        'timeout' { 'OperationTimeout' }
        default { 'NotSpecified' }
    }
    $record = [System.Management.Automation.ErrorRecord]::new(
        [System.Exception]::new([string]$failure.message), 'HvrFakeCim', $category, $null)
    $Cmdlet.ThrowTerminatingError($record)
}

function Get-CimInstance {
    [CmdletBinding()]
    param([string]$Namespace, [string]$ClassName, [string]$Filter, $CimSession, [uint32]$OperationTimeoutSec)
    $body = @{ op = 'query'; namespace = $Namespace; className = $ClassName; filter = $null }
    if ($Filter) {
        $groups = [HvrFakeCim.Wire]::Wql($Filter)
        # One query however many groups are OR'd, as WMI answers it.
        if ($groups.Count -eq 1) { $body.filter = $groups[0] } else { $body.anyOf = $groups }
    }
    $data = Invoke-FakeCim $PSCmdlet $body
    foreach ($wire in $data) { [HvrFakeCim.Wire]::Instance($wire, $false, $Namespace) }
}

function Invoke-CimMethod {
    [CmdletBinding()]
    param($InputObject, [string]$MethodName, [System.Collections.IDictionary]$Arguments, $CimSession, [uint32]$OperationTimeoutSec)
    $body = @{ op = 'invoke'; namespace = $InputObject.CimSystemProperties.Namespace; target = $InputObject; method = $MethodName; arguments = $Arguments }
    $data = Invoke-FakeCim $PSCmdlet $body
    $result = [ordered]@{ ReturnValue = [uint32]$data.returnValue }
    foreach ($name in $data.outParameters.get_Keys()) {
        $value = $data.outParameters[$name]
        if ($value -is [System.Collections.IDictionary] -and $value.Contains('ref')) { $value = [HvrFakeCim.Wire]::RefInstance($value) }
        elseif ($value -is [array]) { $value = [string[]]$value }
        $result[$name] = $value
    }
    $result.PSComputerName = $null
    [PSCustomObject]$result
}

function Get-CimAssociatedInstance {
    [CmdletBinding()]
    param($InputObject, [string]$Association, [string]$ResultClassName, [string]$Namespace, $CimSession, [uint32]$OperationTimeoutSec)
    $body = @{ op = 'associators'; namespace = $Namespace; ref = $InputObject; association = $null; resultClass = $null }
    if ($Association) { $body.association = $Association }
    if ($ResultClassName) { $body.resultClass = $ResultClassName }
    $data = Invoke-FakeCim $PSCmdlet $body
    foreach ($wire in $data) { [HvrFakeCim.Wire]::Instance($wire, $false, $Namespace) }
}

# A CimClass's shape as Get-CimClass returns it: declarations of properties and of methods with their parameters,
# each parameter with its In and Out qualifiers.
function Get-CimClass {
    [CmdletBinding()]
    param([string]$Namespace, [string]$ClassName, $CimSession, [uint32]$OperationTimeoutSec)
    $data = Invoke-FakeCim $PSCmdlet @{ op = 'classes'; namespace = $Namespace; className = $ClassName }
    $qualifiers = { param($p) @(if ($p.in) { [PSCustomObject]@{ Name = 'In' } }; if ($p.out) { [PSCustomObject]@{ Name = 'Out' } }) }
    [PSCustomObject]@{
        CimClassName = $data.className
        CimSuperClassName = $data.superClassName
        CimClassProperties = @(foreach ($p in $data.properties) {
                [PSCustomObject]@{ Name = $p.name; CimType = $p.type; Flags = if ($p.key) { 'Property, Key' } else { 'Property' } }
            })
        CimClassMethods = @(foreach ($m in $data.methods) {
                [PSCustomObject]@{
                    Name = $m.name; ReturnType = $m.returnType
                    Parameters = @(foreach ($p in $m.parameters) {
                            $reference = if ($p.Contains('referenceClass')) { $p.referenceClass } else { $null }
                            [PSCustomObject]@{ Name = $p.name; CimType = $p.type; Qualifiers = (& $qualifiers $p); ReferenceClassName = $reference }
                        })
                }
            })
    }
}

function New-CimSessionOption {
    [CmdletBinding()]
    param([switch]$UseSsl, [switch]$SkipCACheck, [switch]$SkipCNCheck, [switch]$SkipRevocationCheck)
    [PSCustomObject]@{
        UseSsl = [bool]$UseSsl; SkipCACheck = [bool]$SkipCACheck
        SkipCNCheck = [bool]$SkipCNCheck; SkipRevocationCheck = [bool]$SkipRevocationCheck
    }
}

function New-CimSession {
    [CmdletBinding()]
    param([string]$ComputerName, [uint32]$Port, [string]$Authentication, [pscredential]$Credential, $SessionOption, [uint32]$OperationTimeoutSec)
    $body = [ordered]@{ op = 'connect'; computerName = $ComputerName; port = [long]$Port; authentication = $Authentication }
    foreach ($name in 'UseSsl', 'SkipCACheck', 'SkipCNCheck', 'SkipRevocationCheck') {
        $body[$name.Substring(0, 1).ToLowerInvariant() + $name.Substring(1)] = $null -ne $SessionOption -and $SessionOption.$name
    }
    if ($null -ne $Credential) {
        $body.username = $Credential.UserName
        $body.password = $Credential.GetNetworkCredential().Password
    }
    $data = Invoke-FakeCim $PSCmdlet $body
    [PSCustomObject]@{ Id = $data.id; ComputerName = $ComputerName }
}

function Remove-CimSession {
    [CmdletBinding()]
    param($CimSession)
}

Export-ModuleMember -Function Get-CimInstance, Get-CimClass, Invoke-CimMethod, Get-CimAssociatedInstance, New-CimSession, New-CimSessionOption, Remove-CimSession
