# pulumi-hyperv-replica CIM bridge: the ssh transport.
#
# The local pwsh opens a PowerShell remoting session over SSH to a node of the replica cluster, loads the bridge
# there (its text is an argument, never spliced into a command), and forwards every request to it: the CIM calls run
# on the node, as the SSH user. Host keys are checked strictly: against the user's known_hosts, or against only the
# pinned key the provider wrote into a known_hosts file of its own.
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
        $text = [System.IO.File]::ReadAllText($env:HVR_BRIDGE_SCRIPT)
        $text += "`n" + [System.IO.File]::ReadAllText((Join-Path (Split-Path $env:HVR_BRIDGE_SCRIPT) 'bridgeDoctor.ps1'))
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

# ssh inherits this process's environment as PowerShell holds it; the askpass variables are there only while it starts.
function New-HvrSshSession($Arguments, $Askpass) {
    if ($null -eq $Askpass) { return New-PSSession @Arguments }
    $variables = [ordered]@{
        SSH_ASKPASS = $Askpass.program; SSH_ASKPASS_REQUIRE = 'force'
        HVR_ASKPASS_NODE = $Askpass.node; HVR_ASKPASS_SCRIPT = $Askpass.script
    }
    try {
        foreach ($name in $variables.Keys) { [Environment]::SetEnvironmentVariable($name, $variables[$name]) }
        return New-PSSession @Arguments
    } finally {
        foreach ($name in $variables.Keys) { [Environment]::SetEnvironmentVariable($name, $null) }
    }
}

# A dropped connection leaves the session Broken: that is an unreachable host, and the provider starts over.
function Invoke-HvrRemote([string]$Payload) {
    if ($script:HvrRemote.State -ne 'Opened') {
        throw [System.Management.Automation.Remoting.PSRemotingTransportException]::new(
            "the SSH connection to $($script:HvrRemote.ComputerName) was lost (the session is $($script:HvrRemote.State))")
    }
    return [string](Invoke-Command -Session $script:HvrRemote -ArgumentList $Payload -ScriptBlock { param($P) Invoke-HvrRequest $P })
}
