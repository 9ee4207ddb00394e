# pulumi-hyperv-replica CIM bridge: CIM values as data.
#
# Turns CIM instances, references and values into JSON-friendly data: datetimes as DMTF strings, 64-bit integers as
# decimal strings, references as {className, keys}. Part of the bridge that bridge.ps1 loads; functions and
# constants only.

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
