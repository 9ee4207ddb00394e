# pulumi-hyperv-replica CIM bridge.
#
# Dot-sourced once per PowerShell session from this file; then Start-HvrBridgeLoop reads requests from stdin. Every
# request is one line, the base64 of UTF-8 JSON, and every answer is one line, `HVR1:<JSON envelope>`:
# {"id":...,"ok":true,"data":...} or {"id":...,"ok":false,"error":{category,message,code}}, where id echoes the
# request's id so that the caller never takes one answer for another.
# Values travel only inside the payload and are never turned into script text. The script makes one CIM call per
# request and converts; loops, retries and decisions live in the provider's TypeScript.
#
# Runs on PowerShell 7 (and Windows PowerShell 5.1) using only the core language, .NET, and CimCmdlets.

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$VerbosePreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
# Plain text only: no ANSI colours or styles in anything PowerShell formats (PowerShell 7.2+ has $PSStyle).
if (Test-Path variable:PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
# Without a console (a service, a scheduled task) setting the console's encoding throws, and any error text would
# mark the process broken; the envelopes are ASCII anyway.
# In a remote session the console belongs to the remoting server: it is left alone.
if ($Host.Name -eq 'ConsoleHost') {
    try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { $null = $_ }
}

# The key that decrypts secrets in payloads was read from stdin, as the line after a fixed command, just before this
# script was loaded: it never was in the environment, the arguments or script text.
$script:HvrKey = $null
if (Test-Path variable:global:HvrKeyLine) {
    $script:HvrKey = [Convert]::FromBase64String($global:HvrKeyLine)
    Remove-Variable -Name HvrKeyLine -Scope Global
}
$script:HvrSession = $null
# The remoting session of the ssh transport (bridgeSsh.ps1), when there is one.
$script:HvrRemote = $null
$script:HvrTimeout = 120
$script:HvrNameRule = '^[A-Za-z_][A-Za-z0-9_]*$'
# The namespaces a request may name (provider/cim/types.ts CIM_NAMESPACES): the cluster's and the host's own Hyper-V
# classes. Anything else is refused before a cmdlet sees it.
$script:HvrNamespaces = @('root/HyperVCluster/v2', 'root/virtualization/v2')

# ---- JSON ------------------------------------------------------------------------------------------------------

function ConvertFrom-HvrJsonElement($Element) {
    switch ($Element.ValueKind.ToString()) {
        'Object' {
            $table = [ordered]@{}
            foreach ($p in $Element.EnumerateObject()) { $table[$p.Name] = ConvertFrom-HvrJsonElement $p.Value }
            return $table
        }
        'Array' {
            $items = [System.Collections.Generic.List[object]]::new()
            foreach ($e in $Element.EnumerateArray()) { $items.Add((ConvertFrom-HvrJsonElement $e)) }
            return , $items.ToArray()
        }
        'String' { return $Element.GetString() }
        'Number' {
            $raw = $Element.GetRawText()
            if ($raw -match '^-?\d+$') { return [long]$raw }
            return $Element.GetDouble()
        }
        'True' { return $true }
        'False' { return $false }
        default { return $null }
    }
}

# Windows PowerShell 5.1 has no System.Text.Json: there, ConvertFrom-Json's objects become dictionaries too.
function ConvertTo-HvrTable($Value) {
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        $table = [ordered]@{}
        foreach ($p in $Value.PSObject.Properties) { $table[$p.Name] = ConvertTo-HvrTable $p.Value }
        return $table
    }
    if ($Value -is [array]) { return , @(foreach ($v in $Value) { ConvertTo-HvrTable $v }) }
    return $Value
}

function ConvertFrom-HvrJson([string]$Json) {
    if ('System.Text.Json.JsonDocument' -as [type]) {
        $doc = [System.Text.Json.JsonDocument]::Parse($Json)
        try { return ConvertFrom-HvrJsonElement $doc.RootElement } finally { $doc.Dispose() }
    }
    return ConvertTo-HvrTable (ConvertFrom-Json -InputObject $Json)
}

function ConvertTo-HvrJsonString([string]$Text) {
    # \z, not $: $ also matches before a final newline, which must be escaped like any other.
    if ($Text -cmatch '\A[\x20\x21\x23-\x5b\x5d-\x7e]*\z') { return '"' + $Text + '"' }
    $sb = [System.Text.StringBuilder]::new($Text.Length + 2)
    [void]$sb.Append('"')
    foreach ($c in $Text.ToCharArray()) {
        $code = [int]$c
        if ($c -eq '"') { [void]$sb.Append('\"') }
        elseif ($c -eq '\') { [void]$sb.Append('\\') }
        elseif ($code -lt 0x20 -or $code -gt 0x7e) { [void]$sb.Append(('\u{0:x4}' -f $code)) }
        else { [void]$sb.Append($c) }
    }
    [void]$sb.Append('"')
    return $sb.ToString()
}

# The envelope as JSON text. Where System.Text.Json exists (PowerShell 7) it writes the whole answer in one call:
# writing it value by value in PowerShell cost about 15 ms of CPU per job instance, most of a watcher's tick. Its
# default encoder escapes everything outside printable ASCII, as ConvertTo-HvrJson does. A value it cannot write
# (a NaN, say) falls back to ConvertTo-HvrJson, as does Windows PowerShell 5.1.
$script:HvrJsonOptions = if ('System.Text.Json.JsonSerializer' -as [type]) { [System.Text.Json.JsonSerializerOptions]::new() } else { $null }

function ConvertTo-HvrEnvelope($Envelope) {
    if ($null -ne $script:HvrJsonOptions) {
        try { return [System.Text.Json.JsonSerializer]::Serialize($Envelope, [object], $script:HvrJsonOptions) } catch { $null = $_ }
    }
    return ConvertTo-HvrJson $Envelope
}

# Writes JSON by hand: every string is escaped to ASCII, so the console's code page cannot garble it. Dictionary keys
# are read with get_Keys(): `.Keys` would return an entry named "keys", and references have one.
function ConvertTo-HvrJson($Value) {
    if ($null -eq $Value) { return 'null' }
    if ($Value -is [string]) { return ConvertTo-HvrJsonString $Value }
    if ($Value -is [bool]) { if ($Value) { return 'true' } else { return 'false' } }
    if ($Value -is [System.Collections.IDictionary]) {
        $parts = foreach ($k in $Value.get_Keys()) { (ConvertTo-HvrJsonString ([string]$k)) + ':' + (ConvertTo-HvrJson $Value[$k]) }
        return '{' + ($parts -join ',') + '}'
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        $parts = foreach ($item in $Value) { ConvertTo-HvrJson $item }
        return '[' + ($parts -join ',') + ']'
    }
    if ($Value -is [double] -or $Value -is [single] -or $Value -is [decimal]) {
        return ([double]$Value).ToString('R', [System.Globalization.CultureInfo]::InvariantCulture)
    }
    if ($Value -is [byte] -or $Value -is [sbyte] -or $Value -is [int16] -or $Value -is [uint16] -or
        $Value -is [int] -or $Value -is [uint32] -or $Value -is [long] -or $Value -is [uint64]) {
        return ([System.IConvertible]$Value).ToString([System.Globalization.CultureInfo]::InvariantCulture)
    }
    # Anything else (a char, an enum, a GUID) is written as its text.
    return ConvertTo-HvrJsonString ([string]$Value)
}

# ---- CIM values ------------------------------------------------------------------------------------------------

function ConvertTo-HvrDateTime($Value) {
    if ($Value -is [TimeSpan]) {
        $micro = [long](($Value.Ticks % [TimeSpan]::TicksPerSecond) / 10)
        return ('{0:d8}{1:d2}{2:d2}{3:d2}.{4:d6}:000' -f $Value.Days, $Value.Hours, $Value.Minutes, $Value.Seconds, $micro)
    }
    $utc = ([DateTime]$Value).ToUniversalTime()
    $micro = [long](($utc.Ticks % [TimeSpan]::TicksPerSecond) / 10)
    return $utc.ToString('yyyyMMddHHmmss', [System.Globalization.CultureInfo]::InvariantCulture) + ('.{0:d6}+000' -f $micro)
}

# One CIM value as JSON-friendly data: datetimes as DMTF strings, 64-bit integers as decimal strings, references and
# embedded instances as {className, keys}. An array of plain values is copied as it is, without a call per element.
function ConvertTo-HvrValue($Value, [string]$CimType) {
    if ($null -eq $Value) { return $null }
    if ($CimType.EndsWith('Array')) {
        $elementType = $CimType.Substring(0, $CimType.Length - 5)
        if ($script:HvrPlainTypes.Contains($elementType)) { return , @($Value) }
        $items = foreach ($v in $Value) { ConvertTo-HvrValue $v $elementType }
        return , @($items)
    }
    switch ($CimType) {
        'DateTime' { return ConvertTo-HvrDateTime $Value }
        'UInt64' { return ([UInt64]$Value).ToString([System.Globalization.CultureInfo]::InvariantCulture) }
        'SInt64' { return ([Int64]$Value).ToString([System.Globalization.CultureInfo]::InvariantCulture) }
        'Reference' { return Get-HvrRef $Value }
        'Instance' { return Get-HvrRef $Value }
        default { return $Value }
    }
}

function Test-HvrCimInstance($Value) {
    return $null -ne $Value.PSObject.Properties['CimInstanceProperties'] -and $null -ne $Value.PSObject.Properties['CimSystemProperties']
}

# CimSystemProperties is set on every CIM instance, including the key-only ones out parameters return; CimClass
# may be null on those.
function Get-HvrClassName($Instance) {
    return [string]$Instance.CimSystemProperties.ClassName
}

# A value known only by its .NET type (method out parameters carry no CimType).
function ConvertTo-HvrLooseValue($Value) {
    if ($null -eq $Value) { return $null }
    if ($Value -is [string]) { return $Value }
    if (Test-HvrCimInstance $Value) { return Get-HvrRef $Value }
    if ($Value -is [DateTime] -or $Value -is [TimeSpan]) { return ConvertTo-HvrDateTime $Value }
    if ($Value -is [UInt64] -or $Value -is [Int64]) { return $Value.ToString([System.Globalization.CultureInfo]::InvariantCulture) }
    if ($Value -is [System.Collections.IEnumerable]) { return , @(foreach ($v in $Value) { ConvertTo-HvrLooseValue $v }) }
    return $Value
}

function Test-HvrKey($Property) {
    return ([string]$Property.Flags) -match '\bKey\b'
}

function Get-HvrRef($Instance) {
    $keys = [ordered]@{}
    foreach ($p in $Instance.CimInstanceProperties) {
        if ((Test-HvrKey $p) -and $null -ne $p.Value) { $keys[$p.Name] = ConvertTo-HvrValue $p.Value ([string]$p.CimType) }
    }
    if ($keys.Count -eq 0) {
        # No key flags came with it: a reference is then best named by every property it has.
        foreach ($p in $Instance.CimInstanceProperties) {
            if ($null -ne $p.Value) { $keys[$p.Name] = ConvertTo-HvrValue $p.Value ([string]$p.CimType) }
        }
    }
    return [ordered]@{ className = Get-HvrClassName $Instance; keys = $keys }
}

# CIM types whose values are JSON-friendly as they are. A PowerShell function call costs far more than the lookup,
# and most properties are of these types, so only the rest go through ConvertTo-HvrValue.
$script:HvrPlainTypes = [System.Collections.Generic.HashSet[string]]::new([string[]]@(
        'String', 'Boolean', 'Char16', 'UInt8', 'SInt8', 'UInt16', 'SInt16', 'UInt32', 'SInt32', 'Real32', 'Real64'))

function ConvertTo-HvrInstance($Instance) {
    $properties = [ordered]@{}
    foreach ($p in $Instance.CimInstanceProperties) {
        $value = $p.Value
        $type = [string]$p.CimType
        if ($null -eq $value -or $script:HvrPlainTypes.Contains($type)) { $properties[$p.Name] = $value }
        elseif ($type -eq 'DateTime') { $properties[$p.Name] = ConvertTo-HvrDateTime $value }
        else { $properties[$p.Name] = ConvertTo-HvrValue $value $type }
    }
    return [ordered]@{ className = Get-HvrClassName $Instance; properties = $properties }
}

# ---- queries ---------------------------------------------------------------------------------------------------

function Assert-HvrName([string]$Name, [string]$What) {
    if ($Name -notmatch $script:HvrNameRule) { throw [System.ArgumentException]::new("invalid $What name") }
}

# A WQL condition built from data: names are checked against a strict pattern, strings are quoted with WQL escapes.
function Get-HvrFilter($Filter) {
    if ($null -eq $Filter) { return $null }
    $conditions = foreach ($name in $Filter.get_Keys()) {
        Assert-HvrName $name 'property'
        $value = $Filter[$name]
        if ($null -eq $value) { "$name IS NULL" }
        elseif ($value -is [bool]) { if ($value) { "$name = TRUE" } else { "$name = FALSE" } }
        elseif ($value -is [long] -or $value -is [int]) {
            "$name = " + ([long]$value).ToString([System.Globalization.CultureInfo]::InvariantCulture)
        }
        elseif ($value -is [double]) {
            "$name = " + $value.ToString('R', [System.Globalization.CultureInfo]::InvariantCulture)
        }
        else { "$name = '" + (([string]$value) -replace '\\', '\\' -replace "'", "\'") + "'" }
    }
    if (@($conditions).Count -eq 0) { return $null }
    return (@($conditions) -join ' AND ')
}

function Get-HvrCommon([string]$Namespace) {
    $common = @{ Namespace = $Namespace; OperationTimeoutSec = $script:HvrTimeout }
    if ($null -ne $script:HvrSession) { $common.CimSession = $script:HvrSession }
    return $common
}

function Find-HvrInstances([string]$Namespace, [string]$ClassName, $Filter) {
    Assert-HvrName $ClassName 'class'
    $arguments = Get-HvrCommon $Namespace
    $arguments.ClassName = $ClassName
    $wql = Get-HvrFilter $Filter
    if ($null -ne $wql) { $arguments.Filter = $wql }
    return @(Get-CimInstance @arguments)
}

# A reference names one instance by its keys. The replication service is the one exception: a singleton, it may be
# named by its class alone.
function Resolve-HvrRef([string]$Namespace, $Ref) {
    $keys = $Ref['keys']
    if (($null -eq $keys -or $keys.Count -eq 0) -and $Ref.className -ne 'Msvm_CollectionReplicationService') { return $null }
    $found = @(Find-HvrInstances $Namespace $Ref.className $keys)
    if ($found.Count -eq 0) { return $null }
    if ($found.Count -gt 1) { throw [System.ArgumentException]::new("the reference to $($Ref.className) matches $($found.Count) instances") }
    return $found[0]
}

# ---- credentials -----------------------------------------------------------------------------------------------

function Unprotect-HvrSecret($Sealed) {
    if ($null -eq $script:HvrKey) { throw [System.InvalidOperationException]::new('no key to open the credential with') }
    $aes = [System.Security.Cryptography.Aes]::Create()
    try {
        $aes.Key = $script:HvrKey
        $aes.IV = [Convert]::FromBase64String($Sealed.iv)
        $cipher = [Convert]::FromBase64String($Sealed.data)
        $plain = $aes.CreateDecryptor().TransformFinalBlock($cipher, 0, $cipher.Length)
        $secure = [System.Security.SecureString]::new()
        try {
            foreach ($c in [System.Text.Encoding]::UTF8.GetChars($plain)) { $secure.AppendChar($c) }
        } finally { [Array]::Clear($plain, 0, $plain.Length) }
        $secure.MakeReadOnly()
        return $secure
    } finally { $aes.Dispose() }
}

# Loads CimCmdlets as part of connecting, and fails early where they are missing.
function Assert-HvrCimCmdlets {
    $null = Get-Command -Name Get-CimInstance, Invoke-CimMethod, Get-CimAssociatedInstance
}

function Connect-HvrHost($Request) {
    if ($null -ne $Request.operationTimeoutSec) { $script:HvrTimeout = [int]$Request.operationTimeoutSec }
    if ($null -ne $script:HvrSession) { Remove-CimSession -CimSession $script:HvrSession; $script:HvrSession = $null }
    if ($Request.transport -eq 'ssh') { return Connect-HvrSsh $Request $script:HvrTimeout }
    Assert-HvrCimCmdlets
    $hasCredential = $null -ne $Request.username
    if ($Request.transport -eq 'local' -and -not $hasCredential) { return [ordered]@{ connected = 'local' } }
    $arguments = @{ OperationTimeoutSec = $script:HvrTimeout; ErrorAction = 'Stop' }
    $arguments.ComputerName = if ($Request.transport -eq 'local') { 'localhost' } else { $Request.host }
    if ($null -ne $Request.port) { $arguments.Port = [uint32]$Request.port }
    if ($null -ne $Request.authentication) { $arguments.Authentication = $Request.authentication }
    if ($Request.useSsl -eq $true) {
        # Each skip weakens HTTPS on purpose, for isolated DR networks without the usual PKI (see the README).
        $arguments.SessionOption = New-CimSessionOption -UseSsl -SkipCACheck:($Request.skipCACheck -eq $true) `
            -SkipCNCheck:($Request.skipCNCheck -eq $true) -SkipRevocationCheck:($Request.skipRevocationCheck -eq $true)
    }
    if ($hasCredential) {
        if ($null -eq $Request.password) { throw [System.ArgumentException]::new('a username was given without a password') }
        $arguments.Credential = [System.Management.Automation.PSCredential]::new($Request.username, (Unprotect-HvrSecret $Request.password))
    }
    $script:HvrSession = New-CimSession @arguments
    return [ordered]@{ connected = $arguments.ComputerName }
}

# ---- operations ------------------------------------------------------------------------------------------------

function Invoke-HvrQuery($Request) {
    $found = Find-HvrInstances $Request.namespace $Request.className $Request.filter
    return , @(foreach ($i in $found) { ConvertTo-HvrInstance $i })
}

function Invoke-HvrGet($Request) {
    $instance = Resolve-HvrRef $Request.namespace $Request.ref
    if ($null -eq $instance) { return $null }
    return ConvertTo-HvrInstance $instance
}

# Several references in one request, so that a watcher's tick is one round trip however many jobs it follows.
# References of one class named by the same key properties are read together, with one WQL query per chunk
# (Read-HvrRefGroup); a reference without keys is resolved alone, as Invoke-HvrGet would.
function Invoke-HvrGetMany($Request) {
    $refs = @($Request.refs)
    $answers = [object[]]::new($refs.Count)
    $groups = [ordered]@{}
    for ($i = 0; $i -lt $refs.Count; $i++) {
        $keys = $refs[$i]['keys']
        if ($null -eq $keys -or $keys.Count -eq 0) {
            $answers[$i] = Invoke-HvrGet @{ namespace = $Request.namespace; ref = $refs[$i] }
            continue
        }
        Assert-HvrName $refs[$i].className 'class'
        $names = [string[]]@($keys.get_Keys())
        [Array]::Sort($names, [System.StringComparer]::OrdinalIgnoreCase)
        $group = ($refs[$i].className + '|' + ($names -join ',')).ToLowerInvariant()
        if (-not $groups.Contains($group)) { $groups[$group] = [System.Collections.Generic.List[int]]::new() }
        $groups[$group].Add($i)
    }
    foreach ($indexes in $groups.Values) { Read-HvrRefGroup $Request.namespace $refs $indexes $answers }
    return , $answers
}

# WQL has OR: "Combines two conditions" (WMI docs, "WQL (SQL for WMI)"). Each query names at most this many
# instances. Inferred: no documented limit on the conditions of a WHERE clause was found, so the chunk is a
# precaution that keeps every query a few kilobytes long.
$script:HvrRefsPerQuery = 25

# Reads references of one class and key set with `(k = 'a') OR (k = 'b') ...` and gives each reference the
# instance whose keys match its own. WQL compares strings without regard to case, and so does the matching.
function Read-HvrRefGroup([string]$Namespace, $Refs, $Indexes, $Answers) {
    $className = $Refs[$Indexes[0]].className
    $names = [string[]]@($Refs[$Indexes[0]]['keys'].get_Keys())
    for ($start = 0; $start -lt $Indexes.Count; $start += $script:HvrRefsPerQuery) {
        $chunk = $Indexes.GetRange($start, [Math]::Min($script:HvrRefsPerQuery, $Indexes.Count - $start))
        $arguments = Get-HvrCommon $Namespace
        $arguments.ClassName = $className
        $arguments.Filter = @(foreach ($i in $chunk) { '(' + (Get-HvrFilter $Refs[$i]['keys']) + ')' }) -join ' OR '
        $found = @{}
        foreach ($instance in @(Get-CimInstance @arguments)) {
            $values = @{}
            foreach ($p in $instance.CimInstanceProperties) { $values[$p.Name] = $p.Value }
            $key = Get-HvrKeyText $values $names
            if ($found.ContainsKey($key)) { throw [System.ArgumentException]::new("a reference to $className matches more than one instance") }
            $found[$key] = $instance
        }
        foreach ($i in $chunk) {
            $instance = $found[(Get-HvrKeyText $Refs[$i]['keys'] $names)]
            if ($null -ne $instance) { $Answers[$i] = ConvertTo-HvrInstance $instance }
        }
    }
}

function Get-HvrKeyText($Values, [string[]]$Names) {
    $parts = foreach ($name in $Names) {
        $value = $Values[$name]
        if ($null -eq $value) { '' } else { [System.Convert]::ToString($value, [System.Globalization.CultureInfo]::InvariantCulture).ToLowerInvariant() }
    }
    return (@($parts) -join [char]0)
}

function Invoke-HvrMethod($Request) {
    Assert-HvrName $Request.method 'method'
    $target = Resolve-HvrRef $Request.namespace $Request.target
    if ($null -eq $target) { throw [System.Management.Automation.ItemNotFoundException]::new('the target instance of the method was not found') }
    $arguments = @{}
    foreach ($name in $Request.arguments.get_Keys()) {
        Assert-HvrName $name 'argument'
        $value = $Request.arguments[$name]
        if ($value -is [System.Collections.IDictionary] -and $value.Contains('className')) {
            $ref = Resolve-HvrRef $Request.namespace $value
            if ($null -eq $ref) { throw [System.Management.Automation.ItemNotFoundException]::new("the instance passed as $name was not found") }
            $value = $ref
        }
        $arguments[$name] = $value
    }
    $call = Get-HvrCommon $Request.namespace
    $call.Remove('Namespace')
    $result = Invoke-CimMethod -InputObject $target -MethodName $Request.method -Arguments $arguments @call
    # Invoke-CimMethod emits one object: ReturnValue, each out parameter, and PSComputerName, as properties.
    $outParameters = [ordered]@{}
    foreach ($p in $result.PSObject.Properties) {
        if ($p.Name -notin 'ReturnValue', 'PSComputerName' -and $null -ne $p.Value) {
            $outParameters[$p.Name] = ConvertTo-HvrLooseValue $p.Value
        }
    }
    return [ordered]@{ returnValue = [long]$result.ReturnValue; outParameters = $outParameters }
}

function Invoke-HvrAssociators($Request) {
    $source = Resolve-HvrRef $Request.namespace $Request.ref
    if ($null -eq $source) { return , @() }
    $arguments = Get-HvrCommon $Request.namespace
    $arguments.InputObject = $source
    if ($null -ne $Request.association) { Assert-HvrName $Request.association 'association'; $arguments.Association = $Request.association }
    if ($null -ne $Request.resultClass) { Assert-HvrName $Request.resultClass 'class'; $arguments.ResultClassName = $Request.resultClass }
    $found = @(Get-CimAssociatedInstance @arguments)
    return , @(foreach ($i in $found) { ConvertTo-HvrInstance $i })
}

# ---- errors ----------------------------------------------------------------------------------------------------

# Error categories by number, so that a localized Windows is classified right. The names are those of the Windows
# SDK headers (winerror.h, wsmerror.h, mi.h: MI_RESULT = CimException.NativeErrorCode). Which field of a
# CimException carries which code (NativeErrorCode, StatusCode, HResult, ErrorData's error_Code) varies with the
# failing layer (inferred), so every field is looked at.
$script:HvrCodeCategories = @{
    # MI_RESULT_ACCESS_DENIED is NativeErrorCode 2; 5 ERROR_ACCESS_DENIED, 1326 ERROR_LOGON_FAILURE,
    # 0x80070005 E_ACCESSDENIED, 0x80041003 WBEM_E_ACCESS_DENIED
    accessDenied = @(5, 1326, 2147942405, 2147749891)
    # 1460 ERROR_TIMEOUT, 0x80338029 ERROR_WSMAN_OPERATION_TIMEDOUT
    timeout = @(1460, 2150858793)
    # 53 ERROR_BAD_NETPATH, 1225 ERROR_CONNECTION_REFUSED, 1232 ERROR_HOST_UNREACHABLE, 1722 RPC_S_SERVER_UNAVAILABLE,
    # 11001 WSAHOST_NOT_FOUND, 0x800706BA (1722 as HRESULT), 0x80338126 ERROR_WSMAN_NETWORK_TIMEDOUT (the
    # "WinRM cannot complete the operation" of an unreachable host)
    unreachable = @(53, 1225, 1232, 1722, 11001, 2147944122, 2150859046)
}

function Get-HvrErrorNumbers($Exception) {
    $numbers = [System.Collections.Generic.List[long]]::new()
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
        foreach ($name in 'StatusCode', 'HResult') {
            if ($e.PSObject.Properties[$name] -and $null -ne $e.$name) { $numbers.Add([long][uint32]([long]$e.$name -band 0xFFFFFFFFL)) }
        }
        if ($e.PSObject.Properties['ErrorData'] -and $null -ne $e.ErrorData) {
            foreach ($p in $e.ErrorData.CimInstanceProperties) {
                if ($p.Name -eq 'error_Code' -and $null -ne $p.Value) { $numbers.Add([long]$p.Value) }
            }
        }
    }
    return , $numbers
}

function Get-HvrErrorCategory($Record) {
    $exception = $Record.Exception
    if ($exception -is [System.Management.Automation.CommandNotFoundException]) { return 'environment' }
    if ($exception.Message -match 'Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED') { return 'accessDenied' }
    if ($exception -is [System.Management.Automation.Remoting.PSRemotingTransportException]) { return 'unreachable' }
    if ($exception.PSObject.Properties['NativeErrorCode'] -and [long]$exception.NativeErrorCode -eq 2) { return 'accessDenied' }
    $numbers = Get-HvrErrorNumbers $exception
    foreach ($category in 'accessDenied', 'timeout', 'unreachable') {
        foreach ($code in $script:HvrCodeCategories[$category]) { if ($numbers.Contains([long]$code)) { return $category } }
    }
    # Only when no number tells: the record's category, then English text.
    $text = $exception.Message
    $category = [string]$Record.CategoryInfo.Category
    if ($category -in 'PermissionDenied', 'AuthenticationError', 'SecurityError' -or
        $text -match 'Access is denied|Access denied|user name or password is incorrect|logon failure|Unauthorized') { return 'accessDenied' }
    if ($category -eq 'OperationTimeout' -or $text -match 'timed out|timeout') { return 'timeout' }
    if ($category -in 'ConnectionError', 'ResourceUnavailable' -or
        $text -match 'WinRM cannot complete|cannot connect|could not be resolved|No such host|network path was not found|RPC server is unavailable|cannot find the computer') { return 'unreachable' }
    return 'wbem'
}

# The most telling number: a CimException's StatusCode (Win32 or WS-Management), else its MI result, else HResult.
function Get-HvrErrorCode($Exception) {
    foreach ($name in 'StatusCode', 'NativeErrorCode', 'HResult') {
        if ($Exception.PSObject.Properties[$name]) {
            $value = $Exception.$name
            if ($null -ne $value -and ($value -is [ValueType] -or $value -is [Enum])) { return [long]$value }
        }
    }
    return $null
}

# ---- entry point -----------------------------------------------------------------------------------------------

# The id alone, from a request whose other values could not be read (a lone UTF-16 surrogate in a name, which
# System.Text.Json refuses to turn into a string), so that the error still answers that request; $null when even the
# id cannot be read, which the caller takes as the answer to the request it sent.
function Get-HvrRequestId([string]$Json) {
    if (-not ('System.Text.Json.JsonDocument' -as [type])) { return $null }
    try {
        $doc = [System.Text.Json.JsonDocument]::Parse($Json)
        try {
            if ($doc.RootElement.ValueKind.ToString() -ne 'Object') { return $null }
            foreach ($p in $doc.RootElement.EnumerateObject()) {
                if ($p.Name -ceq 'id' -and $p.Value.ValueKind.ToString() -eq 'String') { return $p.Value.GetString() }
            }
        } finally { $doc.Dispose() }
    } catch { $null = $_ }
    return $null
}

# Answers one request with its envelope, as JSON text. Over ssh, everything but ping and connect is answered by the
# bridge in the remote session. A request that cannot be read is answered at once with a protocol error, never with
# silence, and the loop goes on to the next one.
function Invoke-HvrRequest([string]$Payload) {
    $stage = 'decode'
    $id = $null
    $json = $null
    try {
        $json = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Payload))
        $request = ConvertFrom-HvrJson $json
        $id = $request['id']
        $stage = 'call'
        if ($request.op -notin 'ping', 'connect' -and $null -ne $script:HvrRemote) { return Invoke-HvrRemote $Payload }
        $data = $null
        if ($request.op -notin 'ping', 'connect' -and $request.namespace -notin $script:HvrNamespaces) {
            throw [System.ArgumentException]::new('namespace not served')
        }
        switch ($request.op) {
            'ping' { $data = [ordered]@{ psVersion = $PSVersionTable.PSVersion.ToString(); edition = [string]$PSVersionTable.PSEdition } }
            'connect' { $data = Connect-HvrHost $request }
            'query' { $data = Invoke-HvrQuery $request }
            'get' { $data = Invoke-HvrGet $request }
            'getMany' { $data = Invoke-HvrGetMany $request }
            'invoke' { $data = Invoke-HvrMethod $request }
            'associators' { $data = Invoke-HvrAssociators $request }
            'classes' { $data = Invoke-HvrClasses $request }
            'hostFacts' { $data = Invoke-HvrHostFacts }
            default { throw [System.ArgumentException]::new('unknown operation') }
        }
        return ConvertTo-HvrEnvelope ([ordered]@{ id = $id; ok = $true; data = $data })
    } catch {
        $errorRecord = $_
        $message = $errorRecord.Exception.Message
        if ($stage -eq 'decode') {
            if ($null -ne $json) { $id = Get-HvrRequestId $json }
            $message = 'the bridge could not read this request: ' + $message
        }
        return ConvertTo-HvrJson ([ordered]@{
                id = $id
                ok = $false
                error = [ordered]@{
                    category = if ($stage -eq 'decode') { 'protocol' } else { Get-HvrErrorCategory $errorRecord }
                    message = $message
                    code = Get-HvrErrorCode $errorRecord.Exception
                }
            })
    }
}

function Invoke-HvrBridge([string]$Payload) {
    [Console]::Out.WriteLine('HVR1:' + (Invoke-HvrRequest $Payload))
}

# Answers requests, one line of stdin each, until stdin ends. A line is only ever data: ReadLine hands it to
# Invoke-HvrRequest, which decodes it; PowerShell never parses it as a command. An answer that cannot be written
# at all still gets a line, so the caller is never left waiting.
function Start-HvrBridgeLoop {
    while ($null -ne ($line = [Console]::In.ReadLine())) {
        try { Invoke-HvrBridge $line }
        catch { [Console]::Out.WriteLine('HVR1:{"id":null,"ok":false,"error":{"category":"protocol","message":"the bridge could not write its answer","code":null}}') }
    }
}

# The ssh transport's half, beside this file; a bridge loaded into a remote session (from text) has no use for it.
if ($PSScriptRoot) { . (Join-Path $PSScriptRoot 'bridgeSsh.ps1') }
if ($PSScriptRoot) { . (Join-Path $PSScriptRoot 'bridgeDoctor.ps1') }
