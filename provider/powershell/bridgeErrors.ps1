# pulumi-hyperv-replica CIM bridge: errors as categories.
#
# Classifies a failed call (access denied, timeout, unreachable, wbem) by its numbers first, so that a localized
# Windows is read right, and picks the most telling code. Part of the bridge that bridge.ps1 loads; functions and
# constants only.

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
