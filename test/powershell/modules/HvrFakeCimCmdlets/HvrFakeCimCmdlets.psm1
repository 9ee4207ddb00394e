# Test-only stand-ins for the CimCmdlets the bridge uses (CimCmdlets do not exist on Linux). PowerShell loads this
# module by itself when the bridge first calls Get-CimInstance, because the tests put this folder on PSModulePath.
# Each cmdlet forwards to a loopback HTTP endpoint ($env:HVR_FAKE_CIM_URL) that serves the Hyper-V simulator, and
# returns objects shaped like CIM instances: CimClass.CimClassName, and CimInstanceProperties with Name, Value,
# CimType and Flags, holding .NET values of the CIM types (UInt16, UInt64, DateTime, TimeSpan, ...).
# Written for the core language and ConvertFrom-Json only: no other Utility or Management cmdlets.

Set-StrictMode -Version 3.0

# Stands in for Microsoft.Management.Infrastructure.CimException, which needs the native MI library Linux lacks:
# the same numeric fields, and only a message in whatever language the host speaks.
class HvrFakeCimException : System.Exception {
    [long]$NativeErrorCode
    [uint32]$StatusCode
    HvrFakeCimException([string]$Message, [long]$NativeErrorCode, [uint32]$StatusCode) : base($Message) {
        $this.NativeErrorCode = $NativeErrorCode
        $this.StatusCode = $StatusCode
    }
}

# A CimProperty's shape. Typed properties set one by one: a [PSCustomObject] literal per property cost more than all
# the rest of a job watcher's tick.
class HvrFakeProperty {
    [string]$Name
    [object]$Value
    [string]$CimType
    [string]$Flags
}

$script:Client = [System.Net.Http.HttpClient]::new()
$script:JsonOptions = [System.Text.Json.JsonSerializerOptions]::new()
$script:Invariant = [System.Globalization.CultureInfo]::InvariantCulture

function Test-FakeInstance($Value) {
    return $null -ne $Value -and $null -ne $Value.PSObject.Properties['CimInstanceProperties']
}

# A fake instance as a reference {className, keys} for the endpoint.
function ConvertTo-FakeRef($Instance) {
    $keys = [ordered]@{}
    foreach ($p in $Instance.CimInstanceProperties) {
        if ([string]$p.Flags -match '\bKey\b') { $keys[$p.Name] = ConvertTo-FakeWireValue $p.Value }
    }
    return [ordered]@{ className = $Instance.CimSystemProperties.ClassName; keys = $keys }
}

# Like real CIM, an instance remembers the namespace it was read from, and a method call on it goes there.
function Set-FakeNamespace($Instance, [string]$Namespace) {
    if ($Namespace) { $Instance.CimSystemProperties.Namespace = $Namespace }
    return $Instance
}

function ConvertTo-FakeWireValue($Value) {
    if ($null -eq $Value) { return $null }
    if (Test-FakeInstance $Value) { return ConvertTo-FakeRef $Value }
    if ($Value -is [System.Collections.IDictionary]) {
        $copy = [ordered]@{}
        foreach ($k in $Value.get_Keys()) { $copy[[string]$k] = ConvertTo-FakeWireValue $Value[$k] }
        return $copy
    }
    if ($Value -is [array]) { return , @(foreach ($v in $Value) { ConvertTo-FakeWireValue $v }) }
    if ($Value -is [uint16] -or $Value -is [uint32] -or $Value -is [int]) { return [long]$Value }
    return $Value
}

# The body is plain data: a cmdlet turns any instance it passes into a reference first (ConvertTo-FakeWireValue).
function Invoke-FakeCim($Cmdlet, [System.Collections.IDictionary]$Body) {
    $json = [System.Text.Json.JsonSerializer]::Serialize($Body, [object], $script:JsonOptions)
    $content = [System.Net.Http.StringContent]::new($json, [System.Text.Encoding]::UTF8, 'application/json')
    $response = $script:Client.PostAsync($env:HVR_FAKE_CIM_URL, $content).GetAwaiter().GetResult()
    # Compiled parsing, as the real cmdlets' is: a walk of the JSON in script cost more than all the rest of a call.
    # DateKind String keeps every text as sent; CIM datetimes are converted below, by their CIM type.
    $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
    $envelope = ConvertFrom-Json -InputObject $text -AsHashtable -DateKind String
    if ($envelope.ok) { return , $envelope.data }
    # Raise the error the way CimCmdlets would: a terminating error. A CIM failure carries its numbers and no category
    # that would tell; other failures keep a matching category.
    $failure = $envelope.error
    if ($failure.Contains('statusCode')) {
        $exception = [HvrFakeCimException]::new([string]$failure.message, [long]$failure.nativeErrorCode, [uint32]$failure.statusCode)
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

function ConvertFrom-FakeDateTime([string]$Text) {
    if ($Text.EndsWith(':000')) {
        $span = [TimeSpan]::new([int]$Text.Substring(0, 8), [int]$Text.Substring(8, 2), [int]$Text.Substring(10, 2), [int]$Text.Substring(12, 2))
        return $span.Add([TimeSpan]::FromTicks([long]$Text.Substring(15, 6) * 10))
    }
    $styles = [System.Globalization.DateTimeStyles]::AssumeUniversal -bor [System.Globalization.DateTimeStyles]::AdjustToUniversal
    $time = [DateTime]::ParseExact($Text.Substring(0, 14), 'yyyyMMddHHmmss', $script:Invariant, $styles)
    $offset = [int]$Text.Substring(22, 3)
    if ($Text[21] -eq '-') { $offset = -$offset }
    return $time.AddTicks([long]$Text.Substring(15, 6) * 10).AddMinutes(-$offset)
}

function ConvertFrom-FakeValue($Value, [string]$CimType) {
    if ($null -eq $Value) { return $null }
    if ($CimType -like '*Array') {
        $element = $CimType -replace 'Array$', ''
        if ($element -eq 'UInt16') { return , [uint16[]]$Value }
        return , [string[]]$Value
    }
    switch ($CimType) {
        'UInt16' { return [uint16]$Value }
        'UInt32' { return [uint32]$Value }
        'UInt64' { return [UInt64]::Parse([string]$Value, $script:Invariant) }
        'SInt64' { return [Int64]::Parse([string]$Value, $script:Invariant) }
        'Boolean' { return [bool]$Value }
        'DateTime' { return ConvertFrom-FakeDateTime ([string]$Value) }
        'Reference' { return New-FakeRefInstance $Value }
        default { return $Value }
    }
}

function New-FakeInstanceObject([string]$ClassName, $Properties, [bool]$KeysOnly = $false) {
    # Like real CIM, a key-only instance (an out REF) has system properties but no class declaration.
    $class = if ($KeysOnly) { $null } else { [PSCustomObject]@{ CimClassName = $ClassName } }
    return [PSCustomObject]@{
        CimClass = $class
        CimSystemProperties = [PSCustomObject]@{ ClassName = $ClassName; Namespace = 'root/HyperVCluster/v2' }
        CimInstanceProperties = $Properties
    }
}

# One loop, and a function call only for the rarer types: a call costs tens of microseconds, and a tick of the job
# watcher builds hundreds of properties.
function New-FakeInstance($Wire, [bool]$KeysOnly = $false) {
    $properties = [System.Collections.Generic.List[object]]::new()
    foreach ($p in $Wire.properties) {
        $value = $p.value
        $type = $p.cimType
        if ($null -ne $value) {
            switch ($type) {
                'String' { break }
                'Boolean' { break }
                'UInt16' { $value = [uint16]$value; break }
                'UInt32' { $value = [uint32]$value; break }
                default { $value = ConvertFrom-FakeValue $value $type }
            }
        }
        $property = [HvrFakeProperty]::new()
        $property.Name = $p.name
        $property.Value = $value
        $property.CimType = $type
        $property.Flags = if ($p.key) { 'Property, Key' } else { 'Property' }
        $properties.Add($property)
    }
    return New-FakeInstanceObject $Wire.className $properties.ToArray() $KeysOnly
}

# An out REF comes back with only its key properties filled, as from real CIM.
function New-FakeRefInstance($Ref) {
    $properties = @(foreach ($k in $Ref['keys'].get_Keys()) {
            $value = $Ref['keys'][$k]
            @{ name = $k; value = $value; cimType = $(if ($value -is [string]) { 'String' } else { 'UInt32' }); key = $true }
        })
    return New-FakeInstance @{ className = $Ref.className; properties = $properties } $true
}

# Reads back what the bridge writes: conditions `Name = 'text' | number | TRUE | FALSE` joined with AND, optionally
# in parentheses, and such groups joined with OR; \' and \\ escapes. Returns one filter per OR'd group.
function ConvertFrom-FakeWql([string]$Wql) {
    $groups = [System.Collections.Generic.List[object]]::new()
    $filter = [ordered]@{}
    $i = 0
    $n = $Wql.Length
    while ($i -lt $n) {
        while ($i -lt $n -and ($Wql[$i] -eq ' ' -or $Wql[$i] -eq '(')) { $i++ }
        $start = $i
        while ($i -lt $n -and [string]$Wql[$i] -match '[A-Za-z0-9_]') { $i++ }
        $name = $Wql.Substring($start, $i - $start)
        while ($Wql[$i] -eq ' ') { $i++ }
        if ($Wql[$i] -ne '=') { throw "unsupported WQL: $Wql" }
        $i++
        while ($Wql[$i] -eq ' ') { $i++ }
        if ($Wql[$i] -eq "'") {
            $i++
            $text = [System.Text.StringBuilder]::new()
            while ($Wql[$i] -ne "'") {
                if ($Wql[$i] -eq '\') { $i++ }
                [void]$text.Append($Wql[$i])
                $i++
            }
            $i++
            $value = $text.ToString()
        } else {
            $start = $i
            while ($i -lt $n -and $Wql[$i] -ne ' ' -and $Wql[$i] -ne ')') { $i++ }
            $token = $Wql.Substring($start, $i - $start)
            $value = if ($token -eq 'TRUE') { $true } elseif ($token -eq 'FALSE') { $false } else { [long]$token }
        }
        $filter[$name] = $value
        while ($i -lt $n -and ($Wql[$i] -eq ' ' -or $Wql[$i] -eq ')')) { $i++ }
        if ($i -ge $n) { break }
        if ($Wql.Substring($i, 3) -eq 'AND') { $i += 3; continue }
        if ($Wql.Substring($i, 2) -ne 'OR') { throw "unsupported WQL: $Wql" }
        $i += 2
        $groups.Add($filter)
        $filter = [ordered]@{}
    }
    $groups.Add($filter)
    return , $groups.ToArray()
}

function Get-CimInstance {
    [CmdletBinding()]
    param([string]$Namespace, [string]$ClassName, [string]$Filter, $CimSession, [uint32]$OperationTimeoutSec)
    $body = @{ op = 'query'; namespace = $Namespace; className = $ClassName; filter = $null }
    if ($Filter) {
        $groups = ConvertFrom-FakeWql $Filter
        # One query however many groups are OR'd, as WMI answers it.
        if ($groups.Count -eq 1) { $body.filter = $groups[0] } else { $body.anyOf = $groups }
    }
    $data = Invoke-FakeCim $PSCmdlet $body
    foreach ($wire in $data) { Set-FakeNamespace (New-FakeInstance $wire) $Namespace }
}

function Invoke-CimMethod {
    [CmdletBinding()]
    param($InputObject, [string]$MethodName, [System.Collections.IDictionary]$Arguments, $CimSession, [uint32]$OperationTimeoutSec)
    $body = @{ op = 'invoke'; namespace = $InputObject.CimSystemProperties.Namespace; target = (ConvertTo-FakeRef $InputObject); method = $MethodName; arguments = (ConvertTo-FakeWireValue $Arguments) }
    $data = Invoke-FakeCim $PSCmdlet $body
    $result = [ordered]@{ ReturnValue = [uint32]$data.returnValue }
    foreach ($name in $data.outParameters.get_Keys()) {
        $value = $data.outParameters[$name]
        if ($value -is [System.Collections.IDictionary] -and $value.Contains('ref')) { $value = New-FakeRefInstance $value }
        elseif ($value -is [array]) { $value = [string[]]$value }
        $result[$name] = $value
    }
    $result.PSComputerName = $null
    [PSCustomObject]$result
}

function Get-CimAssociatedInstance {
    [CmdletBinding()]
    param($InputObject, [string]$Association, [string]$ResultClassName, [string]$Namespace, $CimSession, [uint32]$OperationTimeoutSec)
    $body = @{ op = 'associators'; namespace = $Namespace; ref = (ConvertTo-FakeRef $InputObject); association = $null; resultClass = $null }
    if ($Association) { $body.association = $Association }
    if ($ResultClassName) { $body.resultClass = $ResultClassName }
    $data = Invoke-FakeCim $PSCmdlet $body
    foreach ($wire in $data) { Set-FakeNamespace (New-FakeInstance $wire) $Namespace }
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
