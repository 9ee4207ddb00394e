# pulumi-hyperv-replica CIM bridge: the ssh transport.
#
# The local pwsh opens a PowerShell remoting session over SSH to a node of the replica cluster, loads the bridge
# there (its text is an argument, never spliced into a command), and forwards every request to it: the CIM calls run
# on the node, as the SSH user. Host keys are checked strictly: against the user's known_hosts, or against only the
# pinned key the provider wrote into a known_hosts file of its own.

function Connect-HvrSsh($Request, [int]$Timeout) {
    $options = @{ StrictHostKeyChecking = 'yes'; BatchMode = 'yes'; ConnectTimeout = '30' }
    if ($null -ne $Request.knownHostsFile) {
        $options.UserKnownHostsFile = $Request.knownHostsFile
        $options.GlobalKnownHostsFile = 'none'
    }
    $arguments = @{ HostName = $Request.host; Options = $options; ErrorAction = 'Stop' }
    if ($null -ne $Request.port) { $arguments.Port = [int]$Request.port }
    if ($null -ne $Request.username) { $arguments.UserName = $Request.username }
    if ($null -ne $Request.sshKeyFile) { $arguments.KeyFilePath = $Request.sshKeyFile }
    $session = New-PSSession @arguments
    try {
        $text = [System.IO.File]::ReadAllText($env:HVR_BRIDGE_SCRIPT)
        Invoke-Command -Session $session -ScriptBlock { param($Text) . ([scriptblock]::Create($Text)) } -ArgumentList $text
        $null = Invoke-Command -Session $session -ArgumentList $Timeout -ScriptBlock {
            param($Timeout)
            Connect-HvrHost ([ordered]@{ transport = 'local'; username = $null; operationTimeoutSec = $Timeout })
        }
    } catch {
        Remove-PSSession -Session $session
        throw
    }
    $script:HvrRemote = $session
    return [ordered]@{ connected = $Request.host }
}

# A dropped connection leaves the session Broken: that is an unreachable host, and the provider starts over.
function Invoke-HvrRemote([string]$Payload) {
    if ($script:HvrRemote.State -ne 'Opened') {
        throw [System.Management.Automation.Remoting.PSRemotingTransportException]::new(
            "the SSH connection to $($script:HvrRemote.ComputerName) was lost (the session is $($script:HvrRemote.State))")
    }
    return [string](Invoke-Command -Session $script:HvrRemote -ArgumentList $Payload -ScriptBlock { param($P) Invoke-HvrRequest $P })
}
