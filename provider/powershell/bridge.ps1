# pulumi-hyperv-replica CIM bridge: the request loop.
#
# Dot-sourced once per PowerShell session from this file, which loads its parts (below); then Start-HvrBridgeLoop
# reads requests from stdin. Every
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

# The namespaces a request may name (provider/cim/types.ts CIM_NAMESPACES): the cluster's and the host's own Hyper-V
# classes. Anything else is refused before a cmdlet sees it.
$script:HvrNamespaces = @('root/HyperVCluster/v2', 'root/virtualization/v2')

# The bridge's parts, beside this file, in the order they are loaded. Each holds functions and constants only, so
# that each can be read alone: JSON in and out, CIM values as data, the CIM calls, the connection, errors, and the
# read-only introspection of `hyperv-replica doctor` (class definitions, host facts). The ssh
# transport loads the same list into the remote session (bridgeSsh.ps1), and that copy has no use for bridgeSsh.ps1
# itself, which is loaded only here.
$script:HvrBridgeParts = @(
    'bridgeJson.ps1', 'bridgeValues.ps1', 'bridgeCim.ps1', 'bridgeConnect.ps1', 'bridgeErrors.ps1',
    'bridgeDoctor.ps1')

# Loaded from text (the remote session of the ssh transport), the bridge has no folder: whoever loads it there loads
# the parts too. From a file, each part is dot-sourced into this same scope.
if ($PSScriptRoot) {
    foreach ($part in $script:HvrBridgeParts + 'bridgeSsh.ps1') { . (Join-Path $PSScriptRoot $part) }
    Remove-Variable -Name part
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
