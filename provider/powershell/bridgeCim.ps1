# pulumi-hyperv-replica CIM bridge: the CIM calls.
#
# One request, one CIM call: a query, a read by key (one or many), a method call or an associators walk. Names that
# reach WQL are checked against a strict pattern and values are quoted with WQL escapes; references name instances by
# their keys. Part of the bridge that bridge.ps1 loads; functions and constants only.

$script:HvrNameRule = '^[A-Za-z_][A-Za-z0-9_]*$'

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
