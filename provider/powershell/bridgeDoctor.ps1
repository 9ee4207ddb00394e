# pulumi-hyperv-replica CIM bridge: the reads of `hyperv-replica doctor`, which change nothing on the host.
#
# 'classes': each named class as Get-CimClass describes it (its properties and method signatures), or null where the
# namespace has no such class. 'hostFacts': this PowerShell's version and edition, CimCmdlets, the host's clock and
# the account. One of bridge.ps1's parts ($script:HvrBridgeParts), loaded with them locally and over ssh.

# MI_RESULT_NOT_FOUND: the class does not exist in that namespace. Anything else (an invalid namespace, access
# denied) is thrown, for the provider to name.
function Test-HvrNotFound($Exception) {
    return $Exception.PSObject.Properties['NativeErrorCode'] -and ([string]$Exception.NativeErrorCode -in 'NotFound', '6')
}

function Test-HvrQualifier($Declaration, [string]$Name) {
    foreach ($q in @($Declaration.Qualifiers)) { if ($null -ne $q -and $q.Name -eq $Name) { return $true } }
    return $false
}

function ConvertTo-HvrClassDefinition($Class, [string]$Namespace) {
    $properties = @(foreach ($p in $Class.CimClassProperties) {
            [ordered]@{ name = $p.Name; type = [string]$p.CimType; key = ([string]$p.Flags) -match '\bKey\b' }
        })
    $methods = @(foreach ($m in $Class.CimClassMethods) {
            $parameters = @(foreach ($p in $m.Parameters) {
                    $entry = [ordered]@{ name = $p.Name; type = [string]$p.CimType; in = Test-HvrQualifier $p 'In'; out = Test-HvrQualifier $p 'Out' }
                    if ($p.ReferenceClassName) { $entry.referenceClass = [string]$p.ReferenceClassName }
                    $entry
                })
            [ordered]@{ name = $m.Name; returnType = [string]$m.ReturnType; parameters = $parameters }
        })
    return [ordered]@{
        className = [string]$Class.CimClassName; superClassName = $Class.CimSuperClassName; namespace = $Namespace
        properties = $properties; methods = $methods
    }
}

function Invoke-HvrClasses($Request) {
    $common = Get-HvrCommon $Request.namespace
    return , @(foreach ($name in @($Request.classNames)) {
            Assert-HvrName $name 'class'
            try { ConvertTo-HvrClassDefinition (Get-CimClass @common -ClassName $name) $Request.namespace }
            catch { if (Test-HvrNotFound $_.Exception) { $null } else { throw } }
        })
}

# Each fact on its own: one that cannot be read is null, and the others still come back.
function Invoke-HvrHostFacts {
    $facts = [ordered]@{
        psVersion = $PSVersionTable.PSVersion.ToString(); psEdition = [string]$PSVersionTable.PSEdition
        cimCmdlets = $null; hostTime = $null; account = $null; hyperVAdministrator = $null
    }
    # The module that answers the cmdlets the bridge calls, by name and version (CimCmdlets on Windows).
    try {
        $module = (Get-Command -Name Get-CimClass -ErrorAction Stop).Module
        $null = Get-Command -Name Get-CimInstance, Invoke-CimMethod, Get-CimAssociatedInstance -ErrorAction Stop
        $facts.cimCmdlets = $module.Name + ' ' + $module.Version.ToString()
    } catch { $null = $_ }
    try {
        $common = Get-HvrCommon 'root/cimv2'
        foreach ($os in @(Get-CimInstance @common -ClassName Win32_OperatingSystem)) {
            foreach ($p in $os.CimInstanceProperties) {
                if ($p.Name -eq 'LocalDateTime' -and $null -ne $p.Value) { $facts.hostTime = ([DateTime]$p.Value).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", [System.Globalization.CultureInfo]::InvariantCulture) }
            }
        }
    } catch { $null = $_ }
    # The token is this PowerShell's: the host's own account for local and ssh, none to read over WinRM.
    if ($null -eq $script:HvrSession) {
        try {
            $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
            $principal = [System.Security.Principal.WindowsPrincipal]::new($identity)
            $facts.account = $identity.Name
            $facts.hyperVAdministrator = $principal.IsInRole([System.Security.Principal.SecurityIdentifier]::new('S-1-5-32-544')) -or
                $principal.IsInRole([System.Security.Principal.SecurityIdentifier]::new('S-1-5-32-578'))
        } catch { $null = $_ }
    }
    return $facts
}
