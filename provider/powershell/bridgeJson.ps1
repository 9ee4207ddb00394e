# pulumi-hyperv-replica CIM bridge: JSON in and out.
#
# Requests arrive as JSON and answers leave as JSON envelopes. Reading turns a request into dictionaries, arrays and
# plain values (never PowerShell objects with script behind them); writing escapes every string to ASCII. Part of the
# bridge that bridge.ps1 loads; it holds functions and constants only.

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
