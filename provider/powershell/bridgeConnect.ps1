# pulumi-hyperv-replica CIM bridge: the connection to the host.
#
# Opens the CIM session a request names (local, WSMan, or the ssh transport of bridgeSsh.ps1), with the credential
# decrypted from the payload into a SecureString. Part of the bridge that bridge.ps1 loads; functions only.

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
