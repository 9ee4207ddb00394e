# pulumi-hyperv-replica CIM bridge: the ssh transport.
#
# The local pwsh opens a PowerShell remoting session over SSH to a node of the replica cluster, loads the bridge
# there (the text of its files is an argument, never spliced into a command), and forwards every request to it: the
# CIM calls run on the node, as the SSH user. Host keys are checked strictly: against the user's known_hosts, or
# against only the pinned key the provider wrote into a known_hosts file of its own.
# With a password, ssh asks the provider's askpass program for it (sshPassword.ts): the password never passes
# through PowerShell; this script only sets the askpass program's paths in the environment ssh inherits.

function Connect-HvrSsh($Request, [int]$Timeout) {
    $options = @{ StrictHostKeyChecking = 'yes'; BatchMode = 'yes'; ConnectTimeout = '30' }
    if ($null -ne $Request.askpass) {
        # BatchMode would refuse to ask for a password at all. Password only: no key of the agent's is offered, and a
        # second prompt (the first password was refused) ends ssh at once (sshAskpass.cjs).
        $options.BatchMode = 'no'
        $options.PreferredAuthentications = 'password'
        $options.PubkeyAuthentication = 'no'
        $options.NumberOfPasswordPrompts = '2'
    }
    if ($null -ne $Request.knownHostsFile) {
        $options.UserKnownHostsFile = $Request.knownHostsFile
        $options.GlobalKnownHostsFile = 'none'
    }
    $arguments = @{ HostName = $Request.host; Options = $options; ErrorAction = 'Stop' }
    if ($null -ne $Request.port) { $arguments.Port = [int]$Request.port }
    if ($null -ne $Request.username) { $arguments.UserName = $Request.username }
    if ($null -ne $Request.sshKeyFile) { $arguments.KeyFilePath = $Request.sshKeyFile }
    $session = New-HvrSshSession $arguments $Request.askpass
    try {
        $texts = Get-HvrBridgeTexts
        # Each text is dot-sourced at the remote session's top level, so its functions stay defined there. @() keeps
        # the list one argument.
        Invoke-Command -Session $session -ArgumentList (, $texts) -ScriptBlock {
            param($Texts)
            foreach ($text in $Texts) { . ([scriptblock]::Create($text)) }
        }
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

# The bridge as the remote session loads it: the main script first (its state, its request loop), then each part it
# names. Fixed files only; no value is ever spliced into them.
function Get-HvrBridgeTexts {
    $folder = Split-Path -Parent $env:HVR_BRIDGE_SCRIPT
    $files = @($env:HVR_BRIDGE_SCRIPT) + @(foreach ($part in $script:HvrBridgeParts) { Join-Path $folder $part })
    return [string[]]@(foreach ($file in $files) { [System.IO.File]::ReadAllText($file) })
}

# ssh inherits this process's environment as PowerShell holds it; the askpass variables are there only while it starts.
function New-HvrSshSession($Arguments, $Askpass) {
    if ($null -eq $Askpass) { return Open-HvrSshSession $Arguments }
    $variables = [ordered]@{
        SSH_ASKPASS = $Askpass.program; SSH_ASKPASS_REQUIRE = 'force'
        HVR_ASKPASS_NODE = $Askpass.node; HVR_ASKPASS_SCRIPT = $Askpass.script
    }
    try {
        foreach ($name in $variables.Keys) { [Environment]::SetEnvironmentVariable($name, $variables[$name]) }
        return Open-HvrSshSession $Arguments
    } finally {
        foreach ($name in $variables.Keys) { [Environment]::SetEnvironmentVariable($name, $null) }
    }
}

# When ssh ends before the session opens (nothing listens, the login is refused), New-PSSession mostly says so with a
# PSRemotingTransportException ("The SSH transport process has abruptly terminated"), and now and then, when ssh's
# end races the session's start, with a PSRemotingDataStructureException ("An error has occurred which PowerShell
# cannot handle. A remote session might have ended."): seen once in 180 connects to a closed port on a busy machine,
# PowerShell 7.6. Both are the same failed connect, and are reported as one, so that the provider asks ssh why.
function Open-HvrSshSession($Arguments) {
    try {
        return New-PSSession @Arguments
    } catch [System.Management.Automation.Remoting.PSRemotingDataStructureException] {
        throw [System.Management.Automation.Remoting.PSRemotingTransportException]::new($_.Exception.Message, $_.Exception)
    }
}

# A dropped connection leaves the session Broken: that is an unreachable host, and the provider starts over.
function Invoke-HvrRemote([string]$Payload) {
    Assert-HvrRemoteOpen
    try {
        return [string](Invoke-Command -Session $script:HvrRemote -ArgumentList $Payload -ScriptBlock { param($P) Invoke-HvrRequest $P })
    } catch {
        # The connection can drop between that check and the call: Invoke-Command then refuses the Broken session in
        # its own words ("the session state ... is not equal to Open"), and it is the same lost connection.
        Assert-HvrRemoteOpen
        throw
    }
}

function Assert-HvrRemoteOpen {
    if ($script:HvrRemote.State -ne 'Opened') {
        throw [System.Management.Automation.Remoting.PSRemotingTransportException]::new(
            "the SSH connection to $($script:HvrRemote.ComputerName) was lost (the session is $($script:HvrRemote.State))")
    }
}
