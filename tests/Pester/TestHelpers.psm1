# Shared by every Pester file. Each file runs inside its own sandbox (build.ps1 Test uses Invoke-NsSandbox),
# and every function that changes state first proves it is inside one.

function Assert-Sandbox {
    if (-not [NetNsPS.Linux.Sandbox]::IsInsideSandbox()) {
        throw 'These tests change network state and only run inside a NetNsPS sandbox: use ./build.ps1 Test.'
    }
}

function Invoke-Checked {
    # Runs a native program (never a NetNsPS cmdlet) and throws on a non-zero exit, for set-up steps of tests.
    # A simple function on purpose: its arguments (-w, -t ...) go to the program, not to PowerShell.
    $program, $arguments = $args
    $out = & $program @arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$program $($arguments -join ' ') failed ($LASTEXITCODE): $out" }
    $out
}

function Reset-Sandbox {
    # Back to an empty sandbox between scenarios: no namespaces, no links but lo, default sysctls and firewall
    # (raw too: Publish-NsPort's localhost guard lives there).
    Assert-Sandbox
    Get-ChildItem /run/netns -ErrorAction SilentlyContinue | ForEach-Object { & ip netns delete $_.Name 2>$null }
    foreach ($link in (& ip -j link show | ConvertFrom-Json)) {
        if ($link.ifname -ne 'lo') { & ip link delete $link.ifname 2>$null }
    }
    if (Get-Command iptables -ErrorAction SilentlyContinue) {
        foreach ($table in 'nat', 'filter', 'raw') {
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
        $parts.Add('iptables ' + (Get-IptablesDump))
    }
    foreach ($key in 'net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables') {
        $parts.Add("$key=" + (& sysctl -n $key 2>&1))
    }
    $parts.Add('sysctl.d: ' + ((Get-ChildItem /etc/sysctl.d -ErrorAction SilentlyContinue | ForEach-Object { "$($_.Name):$(Get-Content $_ -Raw)" }) -join ';'))
    $parts -join "`n"
}

function Get-IptablesDump {
    # iptables-save without comments and counters. A table with no rules and only built-in chains at
    # ACCEPT is left out: iptables-nft keeps a table listed once anything touched it, though it is empty.
    $tables = [System.Collections.Generic.List[string]]::new()
    $block = $null
    foreach ($line in (& iptables-save 2>&1)) {
        if ($line -match '^#') { continue }
        if ($line -match '^\*') { $block = [System.Collections.Generic.List[string]]::new(); $block.Add($line); continue }
        $block.Add(($line -replace '\[\d+:\d+\]', '[0:0]'))
        if ($line -eq 'COMMIT') {
            $empty = -not ($block | Where-Object { $_ -like '-A *' -or ($_ -like ':*' -and $_ -notmatch '^:[A-Z]+ ACCEPT ') })
            if (-not $empty) { $tables.Add($block -join "`n") }
        }
    }
    ($tables | Sort-Object) -join "`n"
}

function New-Wan {
    # A namespace that plays the internet: wan (198.51.100.1/24), linked to the sandbox host (198.51.100.2/24).
    # Raw ip commands, so the test infrastructure does not depend on the code under test.
    Assert-Sandbox
    Invoke-Checked ip netns add wan
    Invoke-Checked ip link add veth-wan type veth peer name veth-wan-h
    Invoke-Checked ip link set veth-wan netns wan
    Invoke-Checked ip -n wan addr add 198.51.100.1/24 dev veth-wan
    Invoke-Checked ip -n wan link set veth-wan up
    Invoke-Checked ip -n wan link set lo up
    Invoke-Checked ip addr add 198.51.100.2/24 dev veth-wan-h
    Invoke-Checked ip link set veth-wan-h up
}

function Start-NsWebServer {
    # python3's http.server inside a namespace; returns the process (stop it by its Id). Waits until it answers.
    param([Parameter(Mandatory)][string] $Namespace, [int] $Port = 80, [string] $Bind = '0.0.0.0', [string] $LogPath = "/tmp/netnsps-web-$Namespace-$Port.log")
    $root = Join-Path ([IO.Path]::GetTempPath()) "netnsps-www-$Namespace"
    New-Item -ItemType Directory -Force -Path $root | Out-Null
    Set-Content -Path (Join-Path $root 'index.html') -Value "hello from $Namespace"
    $process = Start-Process ip -ArgumentList 'netns', 'exec', $Namespace, 'python3', '-m', 'http.server', "$Port", '--bind', $Bind, '--directory', $root `
        -RedirectStandardOutput "$LogPath.out" -RedirectStandardError $LogPath -PassThru
    $probe = if ($Bind -eq '0.0.0.0') { '127.0.0.1' } else { $Bind }
    foreach ($i in 1..50) {
        & ip netns exec $Namespace curl -s -m 1 -o /dev/null "http://${probe}:$Port/" 2>$null
        if ($LASTEXITCODE -eq 0) { return $process }
        Start-Sleep -Milliseconds 100
    }
    throw "the web server in $Namespace did not start: $(Get-Content $LogPath -Raw -ErrorAction SilentlyContinue)"
}

function Get-Page {
    # The page at a URL through curl (not our code), from a namespace or the host; $null when it fails.
    param([string] $Namespace, [Parameter(Mandatory)][string] $Url)
    $out = if ($Namespace) { & ip netns exec $Namespace curl -s -m 2 $Url 2>$null } else { & curl -s -m 2 $Url 2>$null }
    if ($LASTEXITCODE -eq 0) { "$out".Trim() } else { $null }
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
