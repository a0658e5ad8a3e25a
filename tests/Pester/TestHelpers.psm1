# Shared by every Pester file. Each file runs inside its own sandbox (build.ps1 Test uses Invoke-NsSandbox),
# and every function that changes state first proves it is inside one.

function Assert-Sandbox {
    if (-not [NetNsPS.Linux.Sandbox]::IsInsideSandbox()) {
        throw 'These tests change network state and only run inside a NetNsPS sandbox: use ./build.ps1 Test.'
    }
}

function Invoke-Checked {
    # Runs a native program (never a NetNsPS cmdlet) and throws on a non-zero exit, for set-up steps of tests.
    param([Parameter(Mandatory)][string] $Program, [Parameter(ValueFromRemainingArguments)][string[]] $Arguments)
    $out = & $Program @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed ($LASTEXITCODE): $out" }
    $out
}

function Reset-Sandbox {
    # Back to an empty sandbox between scenarios: no namespaces, no links but lo, default sysctls and firewall.
    Assert-Sandbox
    Get-ChildItem /run/netns -ErrorAction SilentlyContinue | ForEach-Object { & ip netns delete $_.Name 2>$null }
    foreach ($link in (& ip -j link show | ConvertFrom-Json)) {
        if ($link.ifname -ne 'lo') { & ip link delete $link.ifname 2>$null }
    }
    if (Get-Command iptables -ErrorAction SilentlyContinue) {
        foreach ($table in 'nat', 'filter') {
            & iptables -w -t $table -F 2>$null
            & iptables -w -t $table -X 2>$null
        }
        & iptables -w -P FORWARD ACCEPT 2>$null
    }
    & sysctl -q -w net.ipv4.ip_forward=0 | Out-Null
    Get-ChildItem /etc/sysctl.d -ErrorAction SilentlyContinue | Remove-Item -Force
}

function Test-Ping {
    # True when one ICMP echo gets an answer: iputils ping, not NetNsPS code. No -Namespace: from the host.
    param([string] $Namespace, [Parameter(Mandatory)][string] $Target)
    if ($Namespace) { & ip netns exec $Namespace ping -c 1 -W 1 $Target *> $null } else { & ping -c 1 -W 1 $Target *> $null }
    $LASTEXITCODE -eq 0
}

function Get-StateDump {
    # Everything the module may touch, as text without counters and timers, to compare before and after.
    $namespaces = @(Get-ChildItem /run/netns -ErrorAction SilentlyContinue | ForEach-Object Name | Sort-Object)
    $parts = [System.Collections.Generic.List[string]]::new()
    $parts.Add("netns: $($namespaces -join ',')")
    foreach ($ns in @($null) + $namespaces) {
        $prefix = if ($ns) { @('-n', $ns) } else { @() }
        foreach ($what in 'link', 'addr', 'route') {
            $json = & ip @prefix -d -j $what show 2>&1
            $parts.Add("[$ns] $what " + (Format-Json $json))
        }
    }
    $parts.Add('bridge ' + (Format-Json (& bridge -d -j link show 2>&1)))
    if (Get-Command iptables-save -ErrorAction SilentlyContinue) {
        $parts.Add('iptables ' + ((& iptables-save 2>&1 | Where-Object { $_ -notmatch '^#' }) -replace '\[\d+:\d+\]', '[0:0]' -join "`n"))
    }
    foreach ($key in 'net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables') {
        $parts.Add("$key=" + (& sysctl -n $key 2>&1))
    }
    $parts.Add('sysctl.d: ' + ((Get-ChildItem /etc/sysctl.d -ErrorAction SilentlyContinue | ForEach-Object { "$($_.Name):$(Get-Content $_ -Raw)" }) -join ';'))
    $parts -join "`n"
}

function Format-Json {
    # Drops fields that change on their own (timers, statistics, IPv6 duplicate address detection)
    # so two dumps of the same state are equal.
    param($Json)
    $text = $Json -join "`n"
    $volatile = '"(\w*_timer|stats\w*|used|updated|expires|last_\w+|tentative|valid_life_time|preferred_life_time)":\s*("[^"]*"|[\d.]+|true|false|\{[^{}]*\})\s*,?'
    ($text -replace $volatile, '') -replace ',\s*}', '}'
}

function Invoke-ChildPwsh {
    # Runs a script in a new pwsh (in this same sandbox) and returns its console output, What if: lines included.
    param([Parameter(Mandatory)][string] $Script)
    $exe = [Environment]::ProcessPath
    $prefix = @(if ((Split-Path $exe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $full = "Import-Module '$env:NETNSPS_TEST_MODULE'; $Script"
    & $exe @prefix -NoProfile -NonInteractive -Command $full 2>&1 | ForEach-Object { "$_" }
}

function New-ArticleSetup {
    # The article's first three sections, through the cmdlets.
    New-NetNamespace red, blue | Out-Null
    New-NetBridge bridge0 | Out-Null
    'red', 'blue' | Add-VethPair -Bridge bridge0 | Out-Null
    Add-NsIPAddress 192.168.15.2/24 -Namespace red -InterfaceName veth-red | Out-Null
    Add-NsIPAddress 192.168.15.3/24 -Namespace blue -InterfaceName veth-blue | Out-Null
    Add-NsIPAddress 192.168.15.1/24 -InterfaceName bridge0 | Out-Null
}

Export-ModuleMember -Function *
