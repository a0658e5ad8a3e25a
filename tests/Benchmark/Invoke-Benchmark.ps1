<#
.SYNOPSIS
    NetNsPS against the plain bash way of the article, in one sandbox, same machine, same run.
.DESCRIPTION
    For each N: A = the article's commands in a bash loop (one process per command), B = NetNsPS pipelines,
    B2 = NetNsPS called once per namespace in a foreach loop, F = the floor (called C before): the fewest
    processes possible, one ip -batch on the host, one ip -n NS -batch per namespace, one iptables-restore.
    B2fresh and Bfresh are B2 and B run as a script pays for them: a fresh pwsh that imports the module and
    runs the loop (or the pipelines), timed from process start to exit; their teardown likewise. With
    -ReadyToRunPwsh they run again under that pwsh (ways named B2fresh-r2r, Bfresh-r2r): the dotnet tool package of
    PowerShell that `dotnet tool restore` gives is IL only, so a fresh process JIT-compiles thousands of
    System.Management.Automation methods that Microsoft's deb and tar packages ship precompiled. Both are reported.
    Each builds N namespaces on one bridge (veth, address, default route), then publishes a port per
    namespace, then tears everything down. The state after every way must be equal to A's (checked in the
    first round), and every teardown must return to the pristine state.

    Per call: with H namespaces already on the host (veth on br0, address, published port each, built the
    floor way), the median of -Calls calls of Add-VethPair, Add-NsIPAddress and Publish-NsPort, each on a
    fresh namespace made beforehand, in this warm pwsh (each cmdlet warmed up once), beside the raw commands
    the same call replaces (read from its -WhatIf output), each spawned as a process. The ratio cmdlet/raw
    should not grow with H.

    Firewall drivers: every section that touches the firewall (B, B2, the fresh loops, per call, teardown, and the two
    below) runs once per driver in -FirewallDriver (default: every available one), in the same sandbox as A and the
    floors, reported side by side in a Driver column (rows named way/driver). F stays ip -batch + one iptables-restore;
    F-nft is the same ip part + one `nft -f` file with the table layout the nftables driver makes (`nft list table inet
    netnsps` after a small cmdlet-made lab); B/B2/fresh under nftables must leave F-nft's state, under iptables A's.

    Publish cost at size: with -Mappings (1,000) mappings already published the driver's floor way (10 external ports
    per namespace, each with an internal port of its own: a bridge takes at most 1023 ports), the median of -Calls
    Publish-NsPort calls (each a fresh mapping) and Unpublish-NsPort calls in this warm pwsh. Target (nftables) <= 1 ms.

    Per packet: new TCP connections/s from a wan namespace (198.51.100.1, the internet) to the host's 198.51.100.2, to
    the last-added mapping (external port 20000+i -> ns:(20000+i)), with 1 and with -ConnPorts (10,000) published ports:
    a python3 accept/close server in that namespace and a python3 connect/reset client in wan, -ConnTrials trials of
    -ConnSeconds, both bounded in count and time. The last -ConnPipeline (100) of the large case go through
    Publish-NsPort in one pipeline (timed, per mapping), the rest are made the floor way first; -ConnPipeline 10000
    sends all of them through the cmdlets (long: a pipeline's cost grows faster than its length).

    Peers: the same lab at each N made by CNI's bridge + portmap plugins (chained as a conflist does: portmap gets
    bridge's result as prevResult) and by netavark (`netavark setup /run/netns/NAME`, its network options on stdin),
    driven by a bash loop, with the namespaces made and deleted in one `ip -batch` each; each peer's state and
    reachability (bridge ports, addresses, default routes, a ping, the published port from wan) are checked before
    its time is kept, and its teardown (CNI DEL, netavark teardown) is timed. The Debian packages
    containernetworking-plugins and netavark are installed with apt-get when missing (root only; said when not).
    The headline table puts B and B2 in a fresh pwsh beside A, the floor and the peers, and the growth table gives
    each way's time between the two largest N.

    First call: Import-Module and each main cmdlet's first and second call in 5 fresh pwsh processes, with the JIT
    time each caused (System.Runtime.JitInfo, all threads: background tier-up counts too).

    The machine is shared: every figure is a median, and noisy.

    Also times Tab completion (TabExpansion2) with N namespaces and ports. Prints tables of medians and
    writes them as JSON under out/bench/. Run by `build.ps1 Bench` (N = 10,100, H = 10,1000 by default; the
    loop lab at N = 1000: `build.ps1 Bench -BenchN 100,1000 -BenchRounds 1`).
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [int[]] $N = @(10, 100),
    [int] $Rounds = 3,
    # Per call: the numbers of namespaces already on the host, and the calls timed at each.
    [int[]] $HostSizes = @(10, 1000),
    [ValidateRange(3, 200)][int] $Calls = 15,
    # The firewall drivers every firewall section runs under (default: every driver this machine can run).
    [string[]] $FirewallDriver,
    # Publish cost: the mappings already published when one Publish-NsPort / Unpublish-NsPort call is timed.
    [int] $Mappings = 1000,
    # Connection rate: the published ports of the large case (the small case is 1), seconds per trial, trials.
    [int] $ConnPorts = 10000,
    [double] $ConnSeconds = 2,
    [ValidateRange(1, 15)][int] $ConnTrials = 5,
    # Connection rate: how many of the large case's mappings go through the cmdlets, in one pipeline, last (the measured
    # port among them); the others are made first the driver's floor way (the same state). At ConnPorts or more, all.
    # Not all by default: a pipeline reads the firewall once, but its cost grows with the table and faster than its
    # length (on this 2-core machine 2,000 from empty took ~60 s under nftables, 100 on top of 9,900 ~37 s), so all
    # 10,000 would take tens of minutes: ./build.ps1 Bench -BenchConnPipeline 10000 for that figure.
    [int] $ConnPipeline = 100,
    # The sections to run (default: all): Loop (the lab at each N: A, F, B, B2, fresh pwsh; and one New-NetNamespace),
    # PerCall (one call at each host size), AtSize (one publish at -Mappings), ConnRate (new connections at -ConnPorts).
    # Peers (the same lab at each N by CNI bridge+portmap and by netavark, installed with apt-get where they can be).
    # FirstCall (Import-Module and the first and second call of the main cmdlets, in 5 fresh pwsh processes).
    [ValidateSet('Loop', 'PerCall', 'AtSize', 'ConnRate', 'Peers', 'FirstCall')]
    [string[]] $Section = @('Loop', 'PerCall', 'AtSize', 'ConnRate', 'Peers', 'FirstCall'),
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../../out/bench'),
    # A pwsh.dll compiled ReadyToRun, as Microsoft's deb and tar packages of PowerShell ship it (build.ps1 Bench makes one
    # from this pwsh): the fresh-process ways then run under it too, beside this pwsh (the dotnet tool's, IL only).
    [string] $ReadyToRunPwsh
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$drivers = if ($FirewallDriver) { @($FirewallDriver -split ',' | Where-Object { $_ }) } else { @((Get-NetNsPSOption).AvailableFirewallDrivers) }
if (-not $drivers) { throw 'no firewall driver to run the benchmark under' }
$savedDriver = $env:NETNSPS_FIREWALL
$benchStart = [Diagnostics.Stopwatch]::StartNew()

# Peers: the Debian packages of CNI's plugins and of netavark, installed here (outside the sandbox, which has no
# network) when missing and this is root; said plainly when they cannot be, and that peer is then skipped.
if ($Section -contains 'Peers') {
    $peerPackages = @('containernetworking-plugins', 'netavark')
    $missing = @($peerPackages | Where-Object { -not ((& dpkg-query -W -f='${Status}' $_ 2>$null) -match 'install ok installed') })
    if ($missing -and -not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Host "Peers: $($missing -join ', ') not installed, and there is no apt-get here: those peers are skipped." -ForegroundColor Yellow
    } elseif ($missing -and (& id -u) -ne '0') {
        Write-Host "Peers: $($missing -join ', ') not installed, and installing needs root: those peers are skipped." -ForegroundColor Yellow
    } elseif ($missing) {
        Write-Host "Peers: installing $($missing -join ', ') with apt-get"
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -qq --no-install-recommends @missing *>$null
        if ($LASTEXITCODE -ne 0) { & apt-get update -qq *>$null; & apt-get install -y -qq --no-install-recommends @missing *>$null }
        if ($LASTEXITCODE -ne 0) { Write-Host "Peers: apt-get could not install $($missing -join ', ') (exit $LASTEXITCODE): those peers are skipped." -ForegroundColor Yellow }
    }
}
$PeerSizes = $N
# A section not asked for runs nothing: its sizes are empty, and the report leaves its tables out.
if ($Section -notcontains 'Loop') { $N = @() }
if ($Section -notcontains 'PerCall') { $HostSizes = @() }
# The pwsh builds the fresh-process ways run under: this one (the dotnet tool package's, IL only), and a ReadyToRun one.
$pwshKinds = [ordered]@{ '' = 'tool (IL)' }
if ($ReadyToRunPwsh) { $pwshKinds['-r2r'] = 'ReadyToRun' }
$results = Invoke-NsSandbox -ArgumentList $N, $Rounds, $ModulePath, $HostSizes, $Calls, $drivers, $Mappings, $ConnPorts, $ConnSeconds, $ConnTrials, $ConnPipeline, $Section, $PeerSizes, $ReadyToRunPwsh -ScriptBlock {
    param([int[]] $Sizes, [int] $Rounds, [string] $ModulePath, [int[]] $HostSizes, [int] $Calls, [string[]] $Drivers, [int] $Mappings, [int] $ConnPorts, [double] $ConnSeconds, [int] $ConnTrials, [int] $ConnPipeline, [string[]] $Section, [int[]] $PeerSizes, [string] $ReadyToRunPwsh)
    $ErrorActionPreference = 'Stop'
    # Every cmdlet reads the driver from NETNSPS_FIREWALL at each call, and fresh pwsh processes inherit it.
    function Use-Driver([string] $Driver) {
        $env:NETNSPS_FIREWALL = $Driver
        $effective = (Get-NetNsPSOption).EffectiveFirewallDriver
        if ($effective -ne $Driver) { throw "the firewall driver $Driver is not in effect (got $effective)" }
    }

    # Defined from text, so the fresh pwsh processes get exactly the same function.
    $addressFunction = 'function Address([int] $i) { "10.77.$([math]::Floor($i / 250)).$($i % 250 + 2)" }'
    . ([scriptblock]::Create($addressFunction))

    function Get-Median([double[]] $Values) { $sorted = @($Values | Sort-Object); $sorted[[math]::Floor($sorted.Count / 2)] }

    # The same pwsh as this one (and as build.ps1's Invoke-IsolatedPwsh): dotnet + pwsh.dll under `dotnet pwsh`.
    $pwshExe = [Environment]::ProcessPath
    $pwshPrefix = @(if ((Split-Path $pwshExe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    # -ReadyToRun: the ReadyToRun build of the same pwsh, on the same dotnet.
    function Invoke-FreshPwsh([string] $Script, [switch] $ReadyToRun) {
        $exe = $pwshExe; $prefix = $pwshPrefix
        if ($ReadyToRun) { $exe = (Get-Command dotnet -CommandType Application)[0].Source; $prefix = @($ReadyToRunPwsh) }
        $lines = & $exe @prefix -NoProfile -NonInteractive -Command "`$PSStyle.OutputRendering = 'PlainText'`n$Script" 2>&1
        $errors = @($lines | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        if ($LASTEXITCODE -ne 0) { throw "a fresh pwsh failed ($LASTEXITCODE): $($errors -join "`n")" }
        $lines | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] }
    }
    # A script for a fresh pwsh: import the module, then the given blocks (each takes $n), as a user's script would.
    function Get-FreshScript([scriptblock[]] $Blocks, [int] $n) {
        $body = ($Blocks | ForEach-Object { "& {$_} $n" }) -join "`n"
        "`$ErrorActionPreference = 'Stop'`nImport-Module '$($ModulePath -replace "'", "''")'`n$addressFunction`n$portsDefinition`n$body`n"
    }

    function Reset-Lab {
        foreach ($f in Get-ChildItem /run/netns -ErrorAction SilentlyContinue) { & ip netns delete $f.Name }
        foreach ($link in (& ip -j link show | ConvertFrom-Json)) { if ($link.ifname -ne 'lo') { & ip link delete $link.ifname 2>$null } }
        foreach ($t in 'nat', 'filter', 'raw') { & iptables -w -t $t -F; & iptables -w -t $t -X }
        if ($nftAvailable) { & nft list table inet netnsps *>$null; if ($LASTEXITCODE -eq 0) { & nft delete table inet netnsps } }
        & ip link add br0 type bridge
        & ip addr add 10.77.0.1/16 dev br0
        & ip link set br0 up
        & sysctl -qw net.ipv4.conf.br0.route_localnet=0
        & sysctl -qw net.ipv4.ip_forward=1
    }

    function Get-LabDump {
        # Order-insensitive: the same rules and links, whichever way they were added.
        $parts = @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object)
        foreach ($ns in $parts) {
            $parts += & ip -n $ns -br addr show | ForEach-Object { "$ns $_" -replace '\s+', ' ' -replace 'fe80::\S+', '' -replace '@if\d+', '' }
            $parts += & ip -n $ns route show | ForEach-Object { "$ns route $_" }
        }
        $parts += & ip -j link show | ConvertFrom-Json | ForEach-Object { "link $($_.ifname) master=$($_.master) up=$($_.flags -contains 'UP')" } | Sort-Object
        $parts += & bridge -d link show | Select-String -Pattern 'hairpin (on|off)' -AllMatches | ForEach-Object { $_.Matches.Value } | Group-Object | ForEach-Object { "hairpin $($_.Name) x$($_.Count)" }
        $table = ''
        $parts += & iptables-save | ForEach-Object {
            if ($_ -match '^\*(\w+)') { $table = $Matches[1] }
            elseif ($_ -like '-A *' -or ($_ -like ':*' -and $_ -notmatch '^:[A-Z]+ ACCEPT ')) { "$table $($_ -replace '\[\d+:\d+\]', '')" }
        } | Sort-Object
        $parts += Get-NftDump
        $parts += "route_localnet=$(& sysctl -n net.ipv4.conf.br0.route_localnet)"
        $parts -join "`n"
    }

    # The module's nftables table, order-insensitive: each rule and each set/map element a line of its own.
    $nftAvailable = [bool](Get-Command nft -ErrorAction SilentlyContinue)
    function Get-NftDump {
        if (-not $nftAvailable) { return @() }
        $text = @(& nft list table inet netnsps 2>$null)
        if ($LASTEXITCODE -ne 0) { return @() }
        $out = [System.Collections.Generic.List[string]]::new()
        $object = ''; $elements = $null
        foreach ($line in $text) {
            $t = $line.Trim()
            if ($null -ne $elements) {
                $elements += ' ' + $t
                if ($t.EndsWith('}')) { Add-NftElements $out $object $elements; $elements = $null }
                continue
            }
            if ($t -match '^(map|set|chain) (\S+) \{') { $object = "$($Matches[1]) $($Matches[2])"; $out.Add("nft $object") }
            elseif ($t -match '^elements = \{') {
                $elements = $t
                if ($t.EndsWith('}')) { Add-NftElements $out $object $elements; $elements = $null }
            } elseif ($t -and $t -ne '}' -and $t -notmatch '^table ') { $out.Add("nft $object $t") }
        }
        @($out | Sort-Object)
    }
    function Add-NftElements($List, [string] $Object, [string] $Text) {
        $body = $Text -replace '^elements = \{\s*', '' -replace '\s*\}$', ''
        foreach ($e in ($body -split ',\s*')) { if ($e.Trim()) { $List.Add("nft $Object element $($e.Trim())") } }
    }

    function Invoke-Bash([string] $Script) {
        & bash -e -c $Script
        if ($LASTEXITCODE -ne 0) { throw "bash failed ($LASTEXITCODE)" }
    }

    function Measure-Seconds([scriptblock] $Block) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & $Block | Out-Null
        $sw.Elapsed.TotalSeconds
    }

    # A: the article's commands, and for each port exactly the rules Publish-NsPort adds, one process each.
    function Get-BashSetup([int] $n) {
        @"
for i in `$(seq 1 $n); do
  a=10.77.`$((i / 250)).`$((i % 250 + 2))
  ip netns add ns`$i
  ip -n ns`$i link set dev lo up
  ip link add veth-ns`$i type veth peer name veth-ns`$i-br
  ip link set veth-ns`$i netns ns`$i
  ip link set veth-ns`$i-br master br0
  ip -n ns`$i link set veth-ns`$i up
  ip link set veth-ns`$i-br up
  ip -n ns`$i addr add `$a/16 dev veth-ns`$i
  ip -n ns`$i route add default via 10.77.0.1
done
"@
    }
    function Get-BashPublish([int] $n) {
        @"
iptables -w -t nat -N NETNSPS-PREROUTING
iptables -w -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j NETNSPS-PREROUTING
iptables -w -t nat -N NETNSPS-OUTPUT
iptables -w -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j NETNSPS-OUTPUT
iptables -w -t nat -N NETNSPS-POSTROUTING
iptables -w -t nat -A POSTROUTING -j NETNSPS-POSTROUTING
iptables -w -t filter -N NETNSPS-FORWARD
iptables -w -t filter -A FORWARD -j NETNSPS-FORWARD
iptables -w -t raw -N NETNSPS-PREROUTING
iptables -w -t raw -A PREROUTING -j NETNSPS-PREROUTING
iptables -w -t nat -A NETNSPS-POSTROUTING -o br0 -m addrtype --src-type LOCAL -m comment --comment netnsps:localnet:br0 -j MASQUERADE
iptables -w -t raw -A NETNSPS-PREROUTING -d 127.0.0.0/8 -i br0 -m comment --comment netnsps:localnet:br0:guard -j DROP
sysctl -qw net.ipv4.conf.br0.route_localnet=1
for i in `$(seq 1 $n); do
  a=10.77.`$((i / 250)).`$((i % 250 + 2)); p=`$((20000 + i)); tag=netnsps:port:tcp:0.0.0.0:`$p:ns`$i:br0
  iptables -w -t nat -A NETNSPS-PREROUTING -p tcp -m tcp --dport `$p -m comment --comment `$tag:dnat -j DNAT --to-destination `$a:80
  iptables -w -t nat -A NETNSPS-OUTPUT -p tcp -m tcp --dport `$p -m comment --comment `$tag:dnat -j DNAT --to-destination `$a:80
  iptables -w -t nat -A NETNSPS-POSTROUTING -s `$a/32 -d `$a/32 -p tcp -m tcp --dport 80 -m comment --comment `$tag:hairpin -j MASQUERADE
  iptables -w -t filter -A NETNSPS-FORWARD -d `$a/32 -o br0 -p tcp -m tcp --dport 80 -m comment --comment `$tag:forward -j ACCEPT
  ip link set veth-ns`$i-br type bridge_slave hairpin on
done
"@
    }
    function Get-BashTeardown([int] $n) {
        @"
for i in `$(seq 1 $n); do
  a=10.77.`$((i / 250)).`$((i % 250 + 2)); p=`$((20000 + i)); tag=netnsps:port:tcp:0.0.0.0:`$p:ns`$i:br0
  iptables -w -t nat -D NETNSPS-PREROUTING -p tcp -m tcp --dport `$p -m comment --comment `$tag:dnat -j DNAT --to-destination `$a:80
  iptables -w -t nat -D NETNSPS-OUTPUT -p tcp -m tcp --dport `$p -m comment --comment `$tag:dnat -j DNAT --to-destination `$a:80
  iptables -w -t nat -D NETNSPS-POSTROUTING -s `$a/32 -d `$a/32 -p tcp -m tcp --dport 80 -m comment --comment `$tag:hairpin -j MASQUERADE
  iptables -w -t filter -D NETNSPS-FORWARD -d `$a/32 -o br0 -p tcp -m tcp --dport 80 -m comment --comment `$tag:forward -j ACCEPT
  ip netns delete ns`$i
done
iptables -w -t nat -D NETNSPS-POSTROUTING -o br0 -m addrtype --src-type LOCAL -m comment --comment netnsps:localnet:br0 -j MASQUERADE
iptables -w -t raw -D NETNSPS-PREROUTING -d 127.0.0.0/8 -i br0 -m comment --comment netnsps:localnet:br0:guard -j DROP
sysctl -qw net.ipv4.conf.br0.route_localnet=0
iptables -w -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j NETNSPS-PREROUTING
iptables -w -t nat -X NETNSPS-PREROUTING
iptables -w -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j NETNSPS-OUTPUT
iptables -w -t nat -X NETNSPS-OUTPUT
iptables -w -t nat -D POSTROUTING -j NETNSPS-POSTROUTING
iptables -w -t nat -X NETNSPS-POSTROUTING
iptables -w -t filter -D FORWARD -j NETNSPS-FORWARD
iptables -w -t filter -X NETNSPS-FORWARD
iptables -w -t raw -D PREROUTING -j NETNSPS-PREROUTING
iptables -w -t raw -X NETNSPS-PREROUTING
"@
    }

    # F, the floor: the same work in as few processes as possible: one ip -batch on the host, one per namespace, and
    # under iptables one iptables-restore (F), under nftables one `nft -f` file with the driver's table layout (F-nft).
    # -Maps: the port mappings (I = namespace number, Ext, Int); by default ns<i>:80 as 20000+i for i in 1..n.
    function Get-DefaultMaps([int] $n) { foreach ($i in 1..$n) { [pscustomobject]@{ I = $i; Ext = 20000 + $i; Int = 80 } } }
    function Get-NftTableText($Maps) {
        # The layout `nft list table inet netnsps` shows after the cmdlets made a small lab (see README "Two firewall drivers"):
        # each chain looks up a map or set of each family, the IPv6 ones empty in this IPv4 lab.
        $dnat = @(); $hairpin = @(); $forward = @()
        foreach ($m in $Maps) {
            $a = Address $m.I; $tag = "netnsps:port:tcp:0.0.0.0:$($m.Ext):ns$($m.I):br0"
            $dnat += "tcp . $($m.Ext) comment `"${tag}:dnat`" : $a . $($m.Int)"
            $hairpin += "$a . $a . tcp . $($m.Int) comment `"${tag}:hairpin`""
            $forward += "$a . `"br0`" . tcp . $($m.Int) comment `"${tag}:forward`""
        }
        $elements = { param($list) if ($list.Count) { "`n`t`telements = { " + ($list -join ",`n`t`t`t") + " }" } else { '' } }
        # A DNAT chain's four maps (host and any address, each family; only IPv4's any holds this lab's mappings), and
        # the four rules that look them up.
        $dnatMaps = { param($chain) @"
`tmap $chain-host4 {
`t`ttype ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
`t}
`tmap $chain-any4 {
`t`ttype inet_proto . inet_service : ipv4_addr . inet_service$(& $elements $dnat)
`t}
`tmap $chain-host6 {
`t`ttype ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service
`t}
`tmap $chain-any6 {
`t`ttype inet_proto . inet_service : ipv6_addr . inet_service
`t}
"@ }
        $dnatLookups = { param($chain) @"
`t`tfib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @$chain-host4
`t`tfib daddr type local dnat ip to meta l4proto . th dport map @$chain-any4
`t`tfib daddr type local dnat ip6 to ip6 daddr . meta l4proto . th dport map @$chain-host6
`t`tfib daddr type local dnat ip6 to meta l4proto . th dport map @$chain-any6
"@ }
        @"
table inet netnsps {
$(& $dnatMaps nat-prerouting)
$(& $dnatMaps nat-output)
`tset nat-postrouting-hairpin4 {
`t`ttype ipv4_addr . ipv4_addr . inet_proto . inet_service$(& $elements $hairpin)
`t}
`tset nat-postrouting-hairpin6 {
`t`ttype ipv6_addr . ipv6_addr . inet_proto . inet_service
`t}
`tset filter-forward-ports4 {
`t`ttype ipv4_addr . ifname . inet_proto . inet_service$(& $elements $forward)
`t}
`tset filter-forward-ports6 {
`t`ttype ipv6_addr . ifname . inet_proto . inet_service
`t}
`tchain nat-prerouting {
`t`ttype nat hook prerouting priority dstnat; policy accept;
$(& $dnatLookups nat-prerouting)
`t}
`tchain nat-output {
`t`ttype nat hook output priority -100; policy accept;
$(& $dnatLookups nat-output)
`t}
`tchain nat-postrouting {
`t`ttype nat hook postrouting priority srcnat; policy accept;
`t`tip saddr . ip daddr . meta l4proto . th dport @nat-postrouting-hairpin4 masquerade
`t`tip6 saddr . ip6 daddr . meta l4proto . th dport @nat-postrouting-hairpin6 masquerade
`t`toifname "br0" fib saddr type local masquerade comment "netnsps:localnet:br0"
`t}
`tchain filter-forward {
`t`ttype filter hook forward priority filter; policy accept;
`t`tip daddr . oifname . meta l4proto . th dport @filter-forward-ports4 accept
`t`tip6 daddr . oifname . meta l4proto . th dport @filter-forward-ports6 accept
`t}
`tchain raw-prerouting {
`t`ttype filter hook prerouting priority raw; policy accept;
`t`tiifname "br0" ip daddr 127.0.0.0/8 drop comment "netnsps:localnet:br0:guard"
`t}
}
"@
    }
    function Invoke-LowerBound([int] $n, [string] $Stage, [string] $Driver = 'iptables', $Maps) {
        $host_ = [Text.StringBuilder]::new()
        if ($Stage -eq 'setup') {
            foreach ($i in 1..$n) {
                # The same one-step create-inside as NetNsPS, so this stays a true lower bound.
                [void]$host_.Append("netns add ns$i`nlink add veth-ns$i netns ns$i type veth peer name veth-ns$i-br`nlink set veth-ns$i-br master br0`nlink set veth-ns$i-br up`n")
            }
            $host_.ToString() | & ip -batch -
            foreach ($i in 1..$n) { "link set dev lo up`nlink set veth-ns$i up`naddr add $(Address $i)/16 dev veth-ns$i`nroute add default via 10.77.0.1`n" | & ip -n "ns$i" -batch - }
        } elseif ($Stage -eq 'publish') {
            if (-not $Maps) { $Maps = @(Get-DefaultMaps $n) }
            if ($Driver -eq 'nftables') {
                Get-NftTableText $Maps | & nft -f -
                if ($LASTEXITCODE -ne 0) { throw 'lower bound publish: nft -f failed' }
            } else {
                $nat = [Text.StringBuilder]::new("*nat`n-N NETNSPS-PREROUTING`n-A PREROUTING -m addrtype --dst-type LOCAL -j NETNSPS-PREROUTING`n-N NETNSPS-OUTPUT`n-A OUTPUT -m addrtype --dst-type LOCAL -j NETNSPS-OUTPUT`n-N NETNSPS-POSTROUTING`n-A POSTROUTING -j NETNSPS-POSTROUTING`n-A NETNSPS-POSTROUTING -o br0 -m addrtype --src-type LOCAL -m comment --comment netnsps:localnet:br0 -j MASQUERADE`n")
                $filter = [Text.StringBuilder]::new("*filter`n-N NETNSPS-FORWARD`n-A FORWARD -j NETNSPS-FORWARD`n")
                foreach ($m in $Maps) {
                    $a = Address $m.I; $p = $m.Ext; $q = $m.Int; $tag = "netnsps:port:tcp:0.0.0.0:${p}:ns$($m.I):br0"
                    [void]$nat.Append("-A NETNSPS-PREROUTING -p tcp -m tcp --dport $p -m comment --comment ${tag}:dnat -j DNAT --to-destination ${a}:$q`n")
                    [void]$nat.Append("-A NETNSPS-OUTPUT -p tcp -m tcp --dport $p -m comment --comment ${tag}:dnat -j DNAT --to-destination ${a}:$q`n")
                    [void]$nat.Append("-A NETNSPS-POSTROUTING -s $a/32 -d $a/32 -p tcp -m tcp --dport $q -m comment --comment ${tag}:hairpin -j MASQUERADE`n")
                    [void]$filter.Append("-A NETNSPS-FORWARD -d $a/32 -o br0 -p tcp -m tcp --dport $q -m comment --comment ${tag}:forward -j ACCEPT`n")
                }
                $raw = "*raw`n-N NETNSPS-PREROUTING`n-A PREROUTING -j NETNSPS-PREROUTING`n-A NETNSPS-PREROUTING -d 127.0.0.0/8 -i br0 -m comment --comment netnsps:localnet:br0:guard -j DROP`nCOMMIT`n"
                ($nat.ToString() + "COMMIT`n" + $filter.ToString() + "COMMIT`n" + $raw) | & iptables-restore -w --noflush
                if ($LASTEXITCODE -ne 0) { throw 'lower bound publish: iptables-restore failed' }
            }
            foreach ($i in @($Maps.I | Sort-Object -Unique)) { [void]$host_.Append("link set veth-ns$i-br type bridge_slave hairpin on`n") }
            & sysctl -qw net.ipv4.conf.br0.route_localnet=1
            $host_.ToString() | & ip -batch -
        } else {
            if ($Driver -eq 'nftables') {
                & nft delete table inet netnsps
            } else {
                foreach ($t in 'nat', 'filter', 'raw') {
                    $chains = @(& iptables-save -t $t | Where-Object { $_ -match '^:NETNSPS-' } | ForEach-Object { ($_ -split ' ')[0].Substring(1) })
                    $jumps = @(& iptables-save -t $t | Where-Object { $_ -match '^-A [A-Z]+ .*-j NETNSPS-' } | ForEach-Object { $_ -replace '^-A', '-D' })
                    $lines = $jumps + @($chains | ForEach-Object { "-F $_" }) + @($chains | ForEach-Object { "-X $_" })
                    if ($chains) { ("*$t`n" + ($lines -join "`n") + "`nCOMMIT`n") | & iptables-restore -w --noflush }
                }
            }
            & sysctl -qw net.ipv4.conf.br0.route_localnet=0
            ((1..$n | ForEach-Object { "netns delete ns$_" }) -join "`n") + "`n" | & ip -batch -
        }
        if ($LASTEXITCODE -ne 0) { throw "lower bound $Stage failed" }
    }

    # The port mappings B pipes to Publish-NsPort (also defined, from this text, in B's fresh pwsh).
    $portsDefinition = '$ports = { param($n) 1..$n | ForEach-Object { [pscustomobject]@{ Namespace = "ns$_"; InternalPort = 80; ExternalPort = 20000 + $_ } } }'
    . ([scriptblock]::Create($portsDefinition))
    $cmdletWays = [ordered]@{
        B  = @{
            Setup    = { param($n) 1..$n | ForEach-Object { "ns$_" } | New-NetNamespace | Add-VethPair -Bridge br0 | Add-NsIPAddress -IPAddress { "$(Address ([int]$_.Namespace.Substring(2)))/16" } | Add-NsRoute -NextHop 10.77.0.1 }
            Publish  = { param($n) & $ports $n | Publish-NsPort }
            Teardown = { param($n) Get-NsPort | Unpublish-NsPort; Get-NetNamespace | Remove-NetNamespace -Confirm:$false }
        }
        B2 = @{
            Setup    = { param($n) foreach ($i in 1..$n) { $ns = "ns$i"; New-NetNamespace $ns; Add-VethPair $ns -Bridge br0; Add-NsIPAddress "$(Address $i)/16" -Namespace $ns; Add-NsRoute -Namespace $ns -NextHop 10.77.0.1 } }
            Publish  = { param($n) foreach ($i in 1..$n) { Publish-NsPort "ns$i" -InternalPort 80 -ExternalPort (20000 + $i) } }
            Teardown = { param($n) foreach ($i in 1..$n) { Unpublish-NsPort -ExternalPort (20000 + $i) }; foreach ($i in 1..$n) { Remove-NetNamespace "ns$i" -Confirm:$false } }
        }
    }
    # The floor of each driver: F (iptables-restore) and F-nft (nft -f); the state each driver's cmdlets must leave.
    $floorOf = @{ iptables = 'F'; nftables = 'F-nft' }
    $variants = [ordered]@{
        A  = @{
            Setup    = { param($n) Invoke-Bash (Get-BashSetup $n) }
            Publish  = { param($n) Invoke-Bash (Get-BashPublish $n) }
            Teardown = { param($n) Invoke-Bash (Get-BashTeardown $n) }
        }
        F  = @{
            Setup    = { param($n) Invoke-LowerBound $n setup }
            Publish  = { param($n) Invoke-LowerBound $n publish }
            Teardown = { param($n) Invoke-LowerBound $n teardown }
        }
    }
    if ($nftAvailable) {
        $variants['F-nft'] = @{
            Setup    = { param($n) Invoke-LowerBound $n setup nftables }
            Publish  = { param($n) Invoke-LowerBound $n publish nftables }
            Teardown = { param($n) Invoke-LowerBound $n teardown nftables }
        }
    }
    # The cmdlet ways once per driver, named way/driver; their state must equal the driver's floor (A's for iptables).
    foreach ($driver in $Drivers) {
        $variants["B/$driver"] = $cmdletWays.B + @{ Driver = $driver }
        $variants["B2/$driver"] = $cmdletWays.B2 + @{ Driver = $driver }
        # What a script pays: a fresh pwsh from start to exit, setup and publish in one process, teardown in another;
        # under this pwsh, and under the ReadyToRun one where there is one (way names ending -r2r).
        # (The blocks read $v, the variant being run, where the round loop below invokes them.)
        foreach ($r2r in @($false) + @(if ($ReadyToRunPwsh) { $true })) {
            foreach ($way in 'B2', 'B') {
                $variants["${way}fresh$(if ($r2r) { '-r2r' })/$driver"] = @{
                    Fresh = $true; Driver = $driver; Way = $way; ReadyToRun = $r2r
                    Setup    = { param($n) Invoke-FreshPwsh (Get-FreshScript @($cmdletWays[$v.Way].Setup, $cmdletWays[$v.Way].Publish) $n) -ReadyToRun:$v.ReadyToRun }
                    Publish  = { param($n) }
                    Teardown = { param($n) Invoke-FreshPwsh (Get-FreshScript @($cmdletWays[$v.Way].Teardown) $n) -ReadyToRun:$v.ReadyToRun }
                }
            }
        }
    }
    function Get-Reference([string] $Name) {
        $v = $variants[$Name]
        if ($Name -eq 'F') { 'A' }
        elseif ($Name -eq 'F-nft') { $null }
        elseif ($v.Driver -eq 'nftables') { 'F-nft' }
        elseif ($v.Driver) { 'A' }
    }

    foreach ($n in $Sizes) {
        $times = @{}
        $dumps = @{}
        foreach ($round in 1..$Rounds) {
            foreach ($name in $variants.Keys) {
                Reset-Lab
                Write-Host "  N=$n round $round $name"
                $pristine = Get-LabDump
                $v = $variants[$name]
                if ($v.Driver) { Use-Driver $v.Driver }
                $setup = Measure-Seconds { & $v.Setup $n }
                $publish = Measure-Seconds { & $v.Publish $n }
                # The end state is compared once, in the first round (a dump of N namespaces costs 2N processes).
                if ($round -eq 1) { $dumps[$name] = Get-LabDump }
                $teardown = Measure-Seconds { & $v.Teardown $n }
                # The kernel dismantles deleted namespaces in the background (bash and ip -batch do not wait for it;
                # Remove-NetNamespace does): give it up to 5 s, outside the timing, before comparing.
                $deadline = [DateTime]::UtcNow.AddSeconds(5)
                do { $after = Get-LabDump } while ($after -ne $pristine -and [DateTime]::UtcNow -lt $deadline -and -not (Start-Sleep -Milliseconds 50))
                if ($after -ne $pristine) {
                    $diff = Compare-Object ($pristine -split "`n") ($after -split "`n") | Select-Object -First 6 | Out-String
                    throw "$name (N=$n) did not tear down to the pristine state:`n$diff"
                }
                $times["$name/setup+publish"] += @($setup + $publish)
                if (-not $v.Fresh) {
                    $times["$name/setup"] += @($setup)
                    $times["$name/publish"] += @($publish)
                }
                $times["$name/teardown"] += @($teardown)
            }
        }
        foreach ($name in @($variants.Keys)) {
            $reference = Get-Reference $name
            if ($reference -and $dumps[$name] -ne $dumps[$reference]) {
                $diff = Compare-Object ($dumps[$reference] -split "`n") ($dumps[$name] -split "`n") | Select-Object -First 6 | Out-String
                throw "N=${n}: the state after $name differs from the state after ${reference}:`n$diff"
            }
        }
        # F-nft and the nftables driver: the same table (checked above), and the rest of the lab as A's.
        if ($dumps.Contains('F-nft')) {
            $strip = { param($d) @($d -split "`n" | Where-Object { $_ -notmatch '^(nft |iptables |nat |filter |raw )' -and $_ -notmatch '^\*' }) -join "`n" }
            if ((& $strip $dumps['F-nft']) -ne (& $strip $dumps['A'])) { throw "N=${n}: F-nft's links, addresses, routes or sysctls differ from A's" }
            if ($dumps['F-nft'] -notmatch '(?m)^nft ') { throw "N=${n}: F-nft left no nftables table" }
        }
        # Get-NetNamespace with all N namespaces and their addresses.
        Reset-Lab
        & $variants.F.Setup $n
        $list = foreach ($r in 1..$Rounds) { Measure-Seconds { Get-NetNamespace } }
        # Tab completion with N namespaces and N published ports: what a user waits for after pressing Tab.
        # (under the first driver, its floor's firewall state: the completers read the ports through the driver)
        Use-Driver $Drivers[0]
        $tabFloor = $variants[$floorOf[$Drivers[0]]]
        & $tabFloor.Publish $n
        $completions = [ordered]@{
            'Tab: -Namespace'                  = 'Add-VethPair -Namespace ns1'
            'Tab: -InterfaceName in namespace' = 'Add-NsIPAddress -Namespace ns1 -InterfaceName '
            'Tab: -Name of every veth'         = 'Get-VethPair -Name '
            'Tab: bridge ports'                = 'Set-BridgeHairpin '
            'Tab: published ports'             = 'Unpublish-NsPort -ExternalPort 2000'
        }
        $null = TabExpansion2 -inputScript 'Get-NetNamespace ' -cursorColumn 17   # loads the completers
        $tab = foreach ($label in $completions.Keys) {
            $line = $completions[$label]
            $samples = foreach ($r in 1..([math]::Max($Rounds, 5))) { Measure-Seconds { TabExpansion2 -inputScript $line -cursorColumn $line.Length } }
            [pscustomobject]@{ N = $n; Measure = $label; Seconds = [math]::Round((@($samples | Sort-Object))[[math]::Floor(@($samples).Count / 2)], 4) }
        }
        & $tabFloor.Teardown $n
        foreach ($key in $times.Keys) {
            $sorted = @($times[$key] | Sort-Object)
            [pscustomobject]@{ N = $n; Measure = $key; Seconds = [math]::Round($sorted[[math]::Floor($sorted.Count / 2)], 4) }
        }
        [pscustomobject]@{ N = $n; Measure = 'Get-NetNamespace'; Seconds = [math]::Round((@($list | Sort-Object))[[math]::Floor($Rounds / 2)], 4) }
        $tab
    }

    # First call: what a fresh script pays before its loop gets fast. In 5 fresh pwsh processes (under the first
    # driver), Import-Module and each main cmdlet's first and second call, each with the JIT time it caused
    # (System.Runtime.JitInfo: milliseconds compiling, all threads); the medians.
    if ($Section -contains 'FirstCall') {
        Reset-Lab
        Use-Driver $Drivers[0]
        Write-Host "  first calls, $($Drivers[0]), 5 fresh pwsh processes"
        $firstCallText = [ordered]@{
            'Import-Module'       = "Import-Module '$($ModulePath -replace "'", "''")'"
            'New-NetNamespace'    = 'New-NetNamespace ns{0}'
            'Add-VethPair'        = 'Add-VethPair ns{0} -Bridge br0'
            'Add-NsIPAddress'     = 'Add-NsIPAddress 10.77.0.{1}/16 -Namespace ns{0}'
            'Add-NsRoute'         = 'Add-NsRoute -Namespace ns{0} -NextHop 10.77.0.1'
            'Publish-NsPort'      = 'Publish-NsPort ns{0} -InternalPort 80 -ExternalPort 2000{0}'
            'Get-NetNamespace'    = 'Get-NetNamespace'
            'Get-NsPort'          = 'Get-NsPort'
            'Unpublish-NsPort'    = 'Unpublish-NsPort -ExternalPort 2000{0}'
            'Remove-NetNamespace' = 'Remove-NetNamespace ns{0} -Confirm:$false'
        }
        $timer = 'function T([string] $Name, [scriptblock] $Block) { $j = [System.Runtime.JitInfo]::GetCompilationTime().TotalMilliseconds; $s = [Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; "@@ $Name $($s.Elapsed.TotalMilliseconds) $([System.Runtime.JitInfo]::GetCompilationTime().TotalMilliseconds - $j)" }'
        $lines = @($timer, "T 'Import-Module' { $($firstCallText['Import-Module']) }")
        # First calls on ns1, then the second calls on ns2 (in the same order, so each one's reads are alike).
        foreach ($k in 1, 2) {
            foreach ($name in @($firstCallText.Keys | Select-Object -Skip 1)) { $lines += "T '$name#$k' { $($firstCallText[$name] -f $k, ($k + 1)) }" }
        }
        $script = "`$ErrorActionPreference = 'Stop'`n" + ($lines -join "`n")
        $samples = foreach ($r in 1..5) {
            foreach ($line in @(Invoke-FreshPwsh $script)) {
                if ("$line" -match '^@@ (\S+) (\S+) (\S+)$') { [pscustomobject]@{ Name = $Matches[1]; Ms = [double]$Matches[2]; JitMs = [double]$Matches[3] } }
            }
        }
        foreach ($name in $firstCallText.Keys) {
            $first = @($samples | Where-Object { $_.Name -eq $name -or $_.Name -eq "$name#1" })
            $second = @($samples | Where-Object { $_.Name -eq "$name#2" })
            [pscustomobject]@{
                Section        = 'FirstCall'
                Driver         = $Drivers[0]
                Call           = $name
                'first ms'     = [math]::Round((Get-Median $first.Ms), 1)
                'first JIT ms' = [math]::Round((Get-Median $first.JitMs), 1)
                'second ms'    = if ($second) { [math]::Round((Get-Median $second.Ms), 1) }
                'second JIT ms' = if ($second) { [math]::Round((Get-Median $second.JitMs), 1) }
            }
        }
    }
    # Per call: one cmdlet call with H namespaces already on the host, against the raw commands it replaces.
    function Invoke-Raw([string[]] $Lines) {
        foreach ($line in $Lines) {
            # Words as a shell splits them: nft's element lists come in single quotes.
            $words = @([regex]::Matches($line, "'([^']*)'|(\S+)") | ForEach-Object { if ($_.Groups[1].Success) { $_.Groups[1].Value } else { $_.Groups[2].Value } })
            & $words[0] $words[1..($words.Count - 1)]
            if ($LASTEXITCODE -ne 0) { throw "raw command failed ($LASTEXITCODE): $line" }
        }
    }
    # The raw commands of each call, as its -WhatIf prints them (in one fresh pwsh: -WhatIf writes to the host).
    function Get-WhatIfCommands([string[]] $Lines) {
        $script = "`$ErrorActionPreference = 'Stop'`nImport-Module '$($ModulePath -replace "'", "''")'`n" + (($Lines | ForEach-Object { "Write-Host '@@'`n$_ -WhatIf" }) -join "`n")
        $groups = [System.Collections.Generic.List[object]]::new()
        foreach ($line in @(Invoke-FreshPwsh $script)) {
            if ($line -eq '@@') { $groups.Add([System.Collections.Generic.List[string]]::new()) }
            elseif ($line -match '^What if: (.+)$') { $groups[$groups.Count - 1].Add($Matches[1]) }
        }
        if ($groups.Count -ne $Lines.Count -or @($groups | Where-Object { $_.Count -eq 0 }).Count) { throw "could not read the -WhatIf commands of: $($Lines[0])" }
        , $groups
    }
    # What a namespace looks like in the lab dump, with its name, address and port made generic.
    function Get-NamespaceShape([string[]] $Dump, [int] $i) {
        $ns = "ns$i"; $a = [regex]::Escape((Address $i)); $p = 20000 + $i
        @($Dump -match "\b$ns\b" -replace "\b$ns\b", 'NS' -replace "$a(?![\d])", 'ADDR' -replace "\b$p\b", 'PORT' | Sort-Object) -join "`n"
    }
    $steps = [ordered]@{
        'Add-VethPair'    = @{ Call = { param($i) Add-VethPair "ns$i" -Bridge br0 }; Text = { param($i) "Add-VethPair ns$i -Bridge br0" } }
        'Add-NsIPAddress' = @{ Call = { param($i) Add-NsIPAddress "$(Address $i)/16" -Namespace "ns$i" -InterfaceName "veth-ns$i" }; Text = { param($i) "Add-NsIPAddress $(Address $i)/16 -Namespace ns$i -InterfaceName veth-ns$i" } }
        'Publish-NsPort'  = @{ Call = { param($i) Publish-NsPort "ns$i" -InternalPort 80 -ExternalPort (20000 + $i) }; Text = { param($i) "Publish-NsPort ns$i -InternalPort 80 -ExternalPort $(20000 + $i)" }; Firewall = $true }
    }
    # Once per driver and host size: the lab's firewall made the driver's floor way.
    foreach ($combo in @(foreach ($d in $Drivers) { foreach ($hs in $HostSizes) { , @($d, $hs) } })) {
        $driver, $h = $combo
        Reset-Lab
        Use-Driver $driver
        # A bridge takes at most 1023 ports (the kernel's BR_MAX_PORTS is 1024, port 0 unused), and the timed calls add
        # 2 x Calls + 1 of their own: past that, the floor lab is made smaller, so that the calls end at H.
        $lab = [math]::Min($h, 1023 - (2 * $Calls + 1))
        Write-Host "  per call, $driver, H=$h (floor lab of $lab namespaces)"
        Invoke-LowerBound $lab setup
        Invoke-LowerBound $lab publish $driver
        # Beyond the lab: one namespace to warm up on, then one per cmdlet call and one per raw sample, made outside the timing.
        $warm = $lab + 1
        $cmdletNs = @(($lab + 2)..($lab + 1 + $Calls))
        $rawNs = @(($lab + 2 + $Calls)..($lab + 1 + 2 * $Calls))
        $extra = @($warm) + $cmdletNs + $rawNs
        (($extra | ForEach-Object { "netns add ns$_" }) -join "`n") + "`n" | & ip -batch -
        foreach ($i in $extra) { & ip -n "ns$i" link set dev lo up }
        foreach ($cmdlet in $steps.Keys) {
            $step = $steps[$cmdlet]
            $null = & $step.Call $warm
            $raw = Get-WhatIfCommands @($rawNs | ForEach-Object { & $step.Text $_ })
            $cmdletMs = [System.Collections.Generic.List[double]]::new()
            $rawMs = [System.Collections.Generic.List[double]]::new()
            # A call and its raw commands take turns, so that both meet the same deferred kernel work: a veth whose
            # carrier comes up on a bridge of 1,000 ports floods its IPv6 link-local traffic (DAD, MLD, RS) to every
            # namespace, in linkwatch and softirq work that lands on whatever runs next. A firewall call instead runs
            # in a row, as a script makes them, then its raw commands in a row: interleaved, every raw command would
            # change the ruleset under each next call (the drivers then read it whole again).
            $turns = if ($step.Firewall) { @(foreach ($j in 0..($Calls - 1)) { , @('call', $j) }) + @(foreach ($j in 0..($Calls - 1)) { , @('raw', $j) }) }
                     else { @(foreach ($j in 0..($Calls - 1)) { , @('call', $j); , @('raw', $j) }) }
            foreach ($turn in $turns) {
                $kind, $j = $turn
                $sw = [Diagnostics.Stopwatch]::StartNew()
                if ($kind -eq 'call') { $null = & $step.Call $cmdletNs[$j] } else { Invoke-Raw $raw[$j] }
                $elapsed = $sw.Elapsed.TotalMilliseconds
                if ($kind -eq 'call') { $cmdletMs.Add($elapsed) } else { $rawMs.Add($elapsed) }
            }
            [pscustomobject]@{
                Section     = 'PerCall'
                Driver      = $driver
                H           = $h
                Lab         = $lab
                Cmdlet      = $cmdlet
                CmdletMs    = [math]::Round((Get-Median $cmdletMs), 2)
                RawMs       = [math]::Round((Get-Median $rawMs), 2)
                RawCommands = $raw[0].Count
                Raw         = @($raw[0])
            }
        }
        # The namespaces the cmdlets made and those the raw commands made must look the same.
        $dump = @((Get-LabDump) -split "`n")
        $expected = Get-NamespaceShape $dump $warm
        foreach ($i in $cmdletNs + $rawNs) {
            $shape = Get-NamespaceShape $dump $i
            if ($shape -ne $expected) {
                $diff = Compare-Object ($expected -split "`n") ($shape -split "`n") | Select-Object -First 6 | Out-String
                throw "$driver H=${h}: ns$i differs from the cmdlet-made ns${warm}:`n$diff"
            }
        }
        $hairpins = $lab + $extra.Count
        if ($dump -notcontains "hairpin hairpin on x$hairpins") { throw "H=${h}: expected $hairpins bridge ports with hairpin on: $(($dump -match "^hairpin" | % { "[$_]" }) -join "; ")" }
    }

    # Publish cost at size: one Publish-NsPort (a fresh mapping) and one Unpublish-NsPort with $Mappings mappings already
    # published (made the driver's floor way), in this warm pwsh. A bridge takes at most 1023 ports: the mappings are
    # spread over fewer namespaces, 10 external ports each, every mapping with an internal port of its own.
    $sizeNs = [int][math]::Min(100, [math]::Max(1, [math]::Ceiling($Mappings / 10)))
    foreach ($driver in @(if ($Section -contains 'AtSize') { $Drivers })) {
        Reset-Lab
        Use-Driver $driver
        Write-Host "  publish cost, $driver, $Mappings mappings over $sizeNs namespaces"
        Invoke-LowerBound $sizeNs setup
        $maps = @(foreach ($j in 1..$Mappings) { [pscustomobject]@{ I = (($j - 1) % $sizeNs) + 1; Ext = 20000 + $j; Int = 20000 + $j } })
        Invoke-LowerBound $sizeNs publish $driver $maps
        $listMs = Measure-Seconds { Get-NsPort }
        $seen = @(Get-NsPort).Count
        if ($seen -ne $Mappings) { throw "$driver, publish cost: Get-NsPort sees $seen of the $Mappings floor-made mappings" }
        $null = Publish-NsPort ns1 -InternalPort 40000 -ExternalPort 40000   # warm-up
        $null = Unpublish-NsPort -ExternalPort 40000
        $pubMs = [System.Collections.Generic.List[double]]::new()
        $unpubMs = [System.Collections.Generic.List[double]]::new()
        foreach ($k in 1..$Calls) {
            $p = 40000 + $k; $ns = "ns$((($k - 1) % $sizeNs) + 1)"
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $null = Publish-NsPort $ns -InternalPort $p -ExternalPort $p
            $pubMs.Add($sw.Elapsed.TotalMilliseconds)
        }
        $seen = @(Get-NsPort).Count
        if ($seen -ne $Mappings + $Calls) { throw "$driver, publish cost: $seen mappings after $Calls publishes on $Mappings" }
        foreach ($k in 1..$Calls) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $null = Unpublish-NsPort -ExternalPort (40000 + $k)
            $unpubMs.Add($sw.Elapsed.TotalMilliseconds)
        }
        $seen = @(Get-NsPort).Count
        if ($seen -ne $Mappings) { throw "$driver, publish cost: $seen mappings after unpublishing the $Calls" }
        [pscustomobject]@{
            Section       = 'AtSize'
            Driver        = $driver
            Mappings      = $Mappings
            Namespaces    = $sizeNs
            'Publish ms'   = [math]::Round((Get-Median $pubMs), 2)
            'Publish min ms' = [math]::Round(($pubMs | Measure-Object -Minimum).Minimum, 2)
            'Unpublish ms' = [math]::Round((Get-Median $unpubMs), 2)
            'Unpublish min ms' = [math]::Round(($unpubMs | Measure-Object -Minimum).Minimum, 2)
            'Get-NsPort ms' = [math]::Round($listMs * 1000, 1)
        }
    }

    # Per packet: the rate of new TCP connections from wan (198.51.100.1, the internet) to the host's wan-side address
    # 198.51.100.2, DNAT to the last-added mapping, with 1 published port and with $ConnPorts. Mapping i: external
    # port 20000+i -> ns<k>:(20000+i) (an internal port of its own, so every mapping is an element, not a rule, under
    # nftables). A python3 server in that one namespace accepts and closes in a tight loop; a python3 client in wan
    # connects and resets (SO_LINGER 0: no TIME_WAIT) in a loop for -ConnSeconds; both stop by themselves.
    $serverPy = @'
import socket, sys, time
port, life, cap = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', port)); s.listen(4096); s.settimeout(0.2)
end = time.monotonic() + life; n = 0
while n < cap and time.monotonic() < end:
    try:
        c, _ = s.accept()
    except OSError:
        continue
    c.close(); n += 1
print(n)
'@
    $clientPy = @'
import socket, struct, sys, time
host, port, seconds, cap = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
linger = struct.pack('ii', 1, 0)
deadline = time.monotonic() + 10
while True:
    try:
        c = socket.create_connection((host, port), timeout=1)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger); c.close(); break
    except OSError:
        if time.monotonic() > deadline:
            print('unreachable'); sys.exit(2)
        time.sleep(0.05)
n = fail = 0
t0 = time.monotonic(); end = t0 + seconds
while n < cap and time.monotonic() < end:
    try:
        c = socket.create_connection((host, port), timeout=2)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger); c.close(); n += 1
    except OSError:
        fail += 1
print(n, fail, round(time.monotonic() - t0, 4))
'@
    $python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { (Get-Command python3).Source }
    $pyDir = Join-Path ([IO.Path]::GetTempPath()) "netnsps-bench-$PID"
    New-Item -ItemType Directory -Force -Path $pyDir | Out-Null
    Set-Content (Join-Path $pyDir 'server.py') $serverPy
    Set-Content (Join-Path $pyDir 'client.py') $clientPy
    function Measure-ConnectionRate([string] $Namespace, [int] $Port) {
        $life = $ConnTrials * ($ConnSeconds + 1) + 20
        $out = Join-Path $pyDir "server-$Port.out"
        $server = Start-Process ip -ArgumentList 'netns', 'exec', $Namespace, $python, (Join-Path $pyDir 'server.py'), $Port, $life, 10000000 `
            -RedirectStandardOutput $out -RedirectStandardError "$out.err" -PassThru
        try {
            $rates = foreach ($t in 1..$ConnTrials) {
                $line = & ip netns exec wan $python (Join-Path $pyDir 'client.py') 198.51.100.2 $Port $ConnSeconds 10000000
                if ($LASTEXITCODE -ne 0) { throw "the client in wan could not reach 198.51.100.2:$Port ($line): $(Get-Content "$out.err" -Raw -ErrorAction SilentlyContinue)" }
                $count, $fail, $elapsed = "$line".Trim() -split ' '
                if ([int]$fail -gt 0) { Write-Host "    ($fail failed connects)" }
                [int]$count / [double]$elapsed
            }
        } finally {
            if (-not $server.HasExited) { Stop-Process -Id $server.Id -ErrorAction SilentlyContinue }
        }
        [pscustomobject]@{ Median = Get-Median $rates; All = @($rates | ForEach-Object { [math]::Round($_) }) }
    }
    # The internet: wan (198.51.100.1/24) on a veth to the sandbox host (198.51.100.2/24), its default route the host.
    function Add-Wan {
        foreach ($c in 'netns add wan', 'link add veth-wan type veth peer name veth-wan-h', 'link set veth-wan netns wan',
            '-n wan addr add 198.51.100.1/24 dev veth-wan', '-n wan link set veth-wan up', '-n wan link set lo up',
            'addr add 198.51.100.2/24 dev veth-wan-h', 'link set veth-wan-h up', '-n wan route add default via 198.51.100.2') {
            & ip ($c -split ' ')
            if ($LASTEXITCODE -ne 0) { throw "ip $c failed" }
        }
    }
    $connNs = [int][math]::Min(20, $ConnPorts)
    foreach ($driver in @(if ($Section -contains 'ConnRate') { $Drivers })) {
        Reset-Lab
        Use-Driver $driver
        Write-Host "  connection rate, $driver, 1 and $ConnPorts published ports"
        Invoke-LowerBound $connNs setup
        Add-Wan
        & ip netns exec wan sysctl -qw 'net.ipv4.ip_local_port_range=1024 65000'
        $connMaps = { param($n) 1..$n | ForEach-Object { [pscustomobject]@{ Namespace = "ns$((($_ - 1) % $connNs) + 1)"; InternalPort = 20000 + $_; ExternalPort = 20000 + $_ } } }
        $last = @(& $connMaps $ConnPorts)[-1]
        $null = $last | Publish-NsPort
        $one = Measure-ConnectionRate $last.Namespace $last.ExternalPort
        $null = Unpublish-NsPort -ExternalPort $last.ExternalPort
        # The first ConnPorts - P the floor way, then the last P through the cmdlets in one pipeline, the measured port last.
        $all = @(& $connMaps $ConnPorts)
        $viaCmdlets = [math]::Min([math]::Max(1, $ConnPipeline), $ConnPorts)
        $floorCount = $ConnPorts - $viaCmdlets
        if ($floorCount -gt 0) {
            $floorMaps = @($all[0..($floorCount - 1)] | ForEach-Object { [pscustomobject]@{ I = [int]$_.Namespace.Substring(2); Ext = $_.ExternalPort; Int = $_.InternalPort } })
            Invoke-LowerBound $connNs publish $driver $floorMaps
        }
        $piped = @($all[$floorCount..($ConnPorts - 1)])
        $publishPiped = Measure-Seconds { $piped | Publish-NsPort }
        $listAll = Measure-Seconds { Get-NsPort }
        $seen = @(Get-NsPort).Count
        if ($seen -ne $ConnPorts) { throw "$driver, connection rate: Get-NsPort sees $seen of $ConnPorts mappings" }
        $many = Measure-ConnectionRate $last.Namespace $last.ExternalPort
        $unpublishPiped = Measure-Seconds { $piped | Unpublish-NsPort }
        $seen = @(Get-NsPort).Count
        if ($seen -ne $floorCount) { throw "$driver, connection rate: $seen mappings left after unpublishing $viaCmdlets of $ConnPorts" }
        [pscustomobject]@{
            Section                  = 'ConnRate'
            Driver                   = $driver
            Ports                    = $ConnPorts
            'conn/s @1'              = [math]::Round($one.Median)
            "conn/s @$ConnPorts"     = [math]::Round($many.Median)
            'ratio'                  = [math]::Round($many.Median / $one.Median, 3)
            'via cmdlets'            = $viaCmdlets
            'Publish pipeline s'     = [math]::Round($publishPiped, 2)
            'Publish ms/mapping'     = [math]::Round($publishPiped * 1000 / $viaCmdlets, 1)
            'Unpublish pipeline s'   = [math]::Round($unpublishPiped, 2)
            'Unpublish ms/mapping'   = [math]::Round($unpublishPiped * 1000 / $viaCmdlets, 1)
            'Get-NsPort s'           = [math]::Round($listAll, 2)
            'trials @1'              = $one.All -join ' '
            "trials @$ConnPorts"     = $many.All -join ' '
        }
    }

    # Peers: the same lab (N namespaces on br0, each a veth, an address, a default route and one published port
    # 20000+i -> :80) made by CNI's bridge + portmap plugins and by netavark, through their own interfaces, driven by a
    # bash loop as a runtime spawns them. The namespaces are made first in one `ip -batch` (a runtime makes its netns
    # itself) and deleted last in one, both inside the timing. Their configuration files are written beforehand.
    # Checked before a time is kept: N bridge ports, address and default route in the first, middle and last
    # namespace, a ping from the first to the last, the last one's published port from wan, and N DNAT rules;
    # after the teardown: no bridge port and no DNAT rule left.
    function Get-PeerCheck([int] $n, [string] $Peer) {
        $ports = @(& ip -j link show master br0 | ConvertFrom-Json).Count
        if ($ports -ne $n) { throw "${Peer}, N=${n}: $ports ports on br0, expected $n" }
        $addressOf = @{}
        foreach ($i in @(1, [math]::Max(1, [math]::Floor($n / 2)), $n) | Sort-Object -Unique) {
            $addr = @(& ip -n "ns$i" -j -4 addr show dev eth0 | ConvertFrom-Json | ForEach-Object { $_.addr_info } | ForEach-Object { $_.local })
            $route = @(& ip -n "ns$i" -j route show default | ConvertFrom-Json)
            if ($addr.Count -ne 1 -or $route.Count -ne 1 -or $route[0].gateway -ne '10.77.0.1') { throw "${Peer}, N=${n}: ns$i has addresses '$addr' and default route '$($route.gateway)'" }
            $addressOf[$i] = $addr[0]
        }
        & ip netns exec ns1 ping -c 1 -W 2 $addressOf[$n] | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "${Peer}, N=${n}: ns1 cannot ping ns$n ($($addressOf[$n]))" }
        $dnat = @(& iptables-save -t nat | Where-Object { $_ -match '-j DNAT' -and $_ -match '--dport 2\d{4}\b' }).Count
        if ($dnat -lt $n) { throw "${Peer}, N=${n}: $dnat DNAT rules for the published ports, expected at least $n" }
        # The last namespace's published port, from the internet (a server on :80 in ns<n>, the client in wan).
        Add-Wan
        $out = Join-Path $pyDir "peer-$Peer.out"
        $server = Start-Process ip -ArgumentList 'netns', 'exec', "ns$n", $python, (Join-Path $pyDir 'server.py'), 80, 20, 2 -RedirectStandardOutput $out -RedirectStandardError "$out.err" -PassThru
        try {
            $line = & ip netns exec wan $python (Join-Path $pyDir 'client.py') 198.51.100.2 (20000 + $n) 0.01 1
            if ($LASTEXITCODE -ne 0) { throw "${Peer}, N=${n}: 198.51.100.2:$(20000 + $n) is not reachable from wan ($line)" }
        } finally {
            if (-not $server.HasExited) { Stop-Process -Id $server.Id -ErrorAction SilentlyContinue }
        }
        & ip netns delete wan
        "ports=$ports dnat=$dnat ping+port ok"
    }
    $peerPaths = @{
        CNI      = @('/usr/lib/cni', '/opt/cni/bin') | Where-Object { Test-Path (Join-Path $_ 'bridge') } | Where-Object { Test-Path (Join-Path $_ 'portmap') } | Select-Object -First 1
        netavark = @('/usr/lib/podman/netavark', '/usr/libexec/podman/netavark', (Get-Command netavark -ErrorAction SilentlyContinue).Source) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
    }
    foreach ($n in @(if ($Section -contains 'Peers') { $PeerSizes })) {
        foreach ($peer in 'CNI', 'netavark') {
            if (-not $peerPaths[$peer]) { Write-Host "  peer $peer, N=${n}: not installed here, skipped" -ForegroundColor Yellow; continue }
            Reset-Lab
            $dir = Join-Path $pyDir "$peer-$n"
            New-Item -ItemType Directory -Force -Path $dir | Out-Null
            $nsAdd = Join-Path $dir 'ns-add'; $nsDel = Join-Path $dir 'ns-del'
            Set-Content $nsAdd (@(1..$n | ForEach-Object { "netns add ns$_" }) -join "`n")
            Set-Content $nsDel (@(1..$n | ForEach-Object { "netns delete ns$_" }) -join "`n")
            if ($peer -eq 'CNI') {
                # A conflist's two plugins, chained: bridge (host-local IPAM) first, then portmap with its prevResult.
                $bridgeConf = '{"cniVersion":"0.4.0","name":"bench","type":"bridge","bridge":"br0","isGateway":true,"ipMasq":false,"hairpinMode":true,' +
                    '"ipam":{"type":"host-local","subnet":"10.77.0.0/16","gateway":"10.77.0.1","dataDir":"' + (Join-Path $dir 'ipam') + '","routes":[{"dst":"0.0.0.0/0"}]}}'
                Set-Content (Join-Path $dir 'bridge.json') $bridgeConf
                foreach ($i in 1..$n) {
                    Set-Content (Join-Path $dir "portmap-$i.head") -NoNewline ('{"cniVersion":"0.4.0","name":"bench","type":"portmap","capabilities":{"portMappings":true},"snat":true,' +
                        '"runtimeConfig":{"portMappings":[{"hostPort":' + (20000 + $i) + ',"containerPort":80,"protocol":"tcp"}]}')
                }
                $env_ = "export CNI_PATH='$($peerPaths.CNI)' CNI_IFNAME=eth0; d='$dir'; p='$($peerPaths.CNI)'"
                $setup = "$env_`nip -batch `"`$d/ns-add`"`nfor i in `$(seq 1 $n); do`n  export CNI_COMMAND=ADD CNI_CONTAINERID=ns`$i CNI_NETNS=/run/netns/ns`$i`n" +
                    "  r=`$(`"`$p/bridge`" < `"`$d/bridge.json`")`n  { cat `"`$d/portmap-`$i.head`"; printf ',`"prevResult`":%s}' `"`$r`"; } | `"`$p/portmap`" > /dev/null`ndone`n"
                $teardown = "$env_`nfor i in `$(seq 1 $n); do`n  export CNI_COMMAND=DEL CNI_CONTAINERID=ns`$i CNI_NETNS=/run/netns/ns`$i`n" +
                    "  { cat `"`$d/portmap-`$i.head`"; printf '}'; } | `"`$p/portmap`"`n  `"`$p/bridge`" < `"`$d/bridge.json`"`ndone`nip -batch `"`$d/ns-del`"`n"
            } else {
                # netavark's network options (container, its port mappings, the network), as podman passes them on stdin.
                foreach ($i in 1..$n) {
                    $options = [ordered]@{
                        container_id   = '{0:x64}' -f $i
                        container_name = "ns$i"
                        port_mappings  = @([ordered]@{ host_ip = ''; container_port = 80; host_port = 20000 + $i; range = 1; protocol = 'tcp' })
                        networks       = @{ bench = @{ static_ips = @(Address $i); interface_name = 'eth0' } }
                        network_info   = @{ bench = [ordered]@{ name = 'bench'; id = ('{0:x64}' -f 7); driver = 'bridge'; network_interface = 'br0'
                                subnets = @(@{ subnet = '10.77.0.0/16'; gateway = '10.77.0.1' }); ipv6_enabled = $false; internal = $false; dns_enabled = $false
                                ipam_options = @{ driver = 'host-local' } } }
                    }
                    Set-Content (Join-Path $dir "ns$i.json") ($options | ConvertTo-Json -Depth 6 -Compress)
                }
                $env_ = "export NETAVARK_FW=iptables; d='$dir'; nv='$($peerPaths.netavark)'"
                $setup = "$env_`nip -batch `"`$d/ns-add`"`nfor i in `$(seq 1 $n); do `"`$nv`" --config `"`$d/config`" setup /run/netns/ns`$i < `"`$d/ns`$i.json`" > /dev/null; done`n"
                $teardown = "$env_`nfor i in `$(seq 1 $n); do `"`$nv`" --config `"`$d/config`" teardown /run/netns/ns`$i < `"`$d/ns`$i.json`"; done`nip -batch `"`$d/ns-del`"`n"
            }
            Write-Host "  peer $peer, N=$n"
            $setupS = Measure-Seconds { Invoke-Bash $setup }
            $check = Get-PeerCheck $n $peer
            $teardownS = Measure-Seconds { Invoke-Bash $teardown }
            $left = @(& ip -j link show master br0 2>$null | ConvertFrom-Json).Count
            $leftDnat = @(& iptables-save -t nat | Where-Object { $_ -match '-j DNAT' }).Count
            if ($left -or $leftDnat) { throw "${peer}, N=${n}: after the teardown $left bridge ports and $leftDnat DNAT rules are left" }
            [pscustomobject]@{ N = $n; Measure = "$peer/setup+publish"; Seconds = [math]::Round($setupS, 4) }
            [pscustomobject]@{ N = $n; Measure = "$peer/teardown"; Seconds = [math]::Round($teardownS, 4) }
            [pscustomobject]@{ Section = 'PeerCheck'; N = $n; Peer = $peer; Check = $check; Path = $peerPaths[$peer] }
            Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
    Remove-Item $pyDir -Recurse -Force -ErrorAction SilentlyContinue

    # One object through one cmdlet against the raw commands it replaces.
    if ($Section -notcontains 'Loop') { return }
    Reset-Lab
    $single = foreach ($r in 1..20) {
        [pscustomobject]@{
            Cmdlet = Measure-Seconds { New-NetNamespace one }
            Raw    = Measure-Seconds { & ip netns add two; & ip -n two link set dev lo up }
        }
        & ip netns delete one; & ip netns delete two
    }
    $cmdlet = @($single.Cmdlet | Sort-Object)[10]; $raw = @($single.Raw | Sort-Object)[10]
    [pscustomobject]@{ N = 1; Measure = 'New-NetNamespace (one)'; Seconds = [math]::Round($cmdlet, 4) }
    [pscustomobject]@{ N = 1; Measure = 'ip netns add + lo up (one)'; Seconds = [math]::Round($raw, 4) }
}

# Import-Module on top of a bare pwsh start, in fresh processes (outside the sandbox: it changes nothing).
$exe = [Environment]::ProcessPath
$prefix = @(if ((Split-Path $exe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
function Measure-Start([string] $Command, [string[]] $Pwsh = @($exe) + $prefix) {
    $samples = foreach ($r in 1..5) {
        $sw = [Diagnostics.Stopwatch]::StartNew(); & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Command | Out-Null; $sw.Elapsed.TotalSeconds
    }
    (@($samples | Sort-Object))[2]
}
$bare = Measure-Start 'exit 0'
$imported = Measure-Start "Import-Module '$ModulePath'; exit 0"
if ($ReadyToRunPwsh) {
    $r2rPwsh = @((Get-Command dotnet -CommandType Application)[0].Source, $ReadyToRunPwsh)
    $bareR2r = Measure-Start 'exit 0' $r2rPwsh
    $importedR2r = Measure-Start "Import-Module '$ModulePath'; exit 0" $r2rPwsh
}

$env:NETNSPS_FIREWALL = $savedDriver
$sectionOf = { param($name) @($results | Where-Object { $_.PSObject.Properties['Section'] -and $_.Section -eq $name }) }
$perCallRows = & $sectionOf 'PerCall'
$atSize = @(& $sectionOf 'AtSize' | Select-Object * -ExcludeProperty Section)
$connRate = @(& $sectionOf 'ConnRate' | Select-Object * -ExcludeProperty Section)
$rows = [System.Collections.Generic.List[object]]::new()
$rows.AddRange(@($results | Where-Object { -not $_.PSObject.Properties['Section'] } | Select-Object N, Measure, Seconds))
$rows.Add([pscustomobject]@{ N = 0; Measure = 'pwsh start (bare)'; Seconds = [math]::Round($bare, 4) })
$rows.Add([pscustomobject]@{ N = 0; Measure = 'Import-Module (over bare pwsh start)'; Seconds = [math]::Round($imported - $bare, 4) })
if ($ReadyToRunPwsh) {
    $rows.Add([pscustomobject]@{ N = 0; Measure = 'pwsh start (bare, ReadyToRun)'; Seconds = [math]::Round($bareR2r, 4) })
    $rows.Add([pscustomobject]@{ N = 0; Measure = 'Import-Module (over bare pwsh start, ReadyToRun)'; Seconds = [math]::Round($importedR2r - $bareR2r, 4) })
}

# A measurement's seconds, or nothing (Find-Time) or an error (Get-Time) when it was not made.
function Find-Time([int] $Size, [string] $Name) { foreach ($row in $rows) { if ([int]$row.N -eq $Size -and [string]$row.Measure -eq $Name) { return [double]$row.Seconds } } }
function Get-Time([int] $Size, [string] $Name) {
    $t = Find-Time $Size $Name
    if ($null -eq $t) { throw "no measurement $Name for N=$Size" }
    $t
}
function Get-Ratio($Numerator, $Denominator) { if ($null -ne $Numerator -and [double]$Denominator -gt 0) { [math]::Round([double]$Numerator / [double]$Denominator, 3) } else { $null } }
# The floor each driver is held to: F (iptables-restore) for iptables, F-nft (nft -f) for nftables.
$floorName = @{ iptables = 'F'; nftables = 'F-nft' }
$ratios = foreach ($size in $N) {
    foreach ($d in $drivers) {
        $a = Get-Time $size 'A/setup+publish'; $b = Get-Time $size "B/$d/setup+publish"; $b2 = Get-Time $size "B2/$d/setup+publish"
        $fl = $floorName[$d]; $f = Get-Time $size "$fl/setup+publish"
        [pscustomobject]@{
            N                    = $size
            Driver               = $d
            'A s'                = $a
            Floor                = $fl
            'Floor s'            = $f
            'B s'                = $b
            'B2 s'               = $b2
            'B/A'                = Get-Ratio $b $a
            'B2/A'               = Get-Ratio $b2 $a
            'B/Floor'            = Get-Ratio $b $f
            'B2/Floor'           = Get-Ratio $b2 $f
            'publish B s'        = Get-Time $size "B/$d/publish"
            'publish Floor s'    = Get-Time $size "$fl/publish"
            'teardown B/A'       = Get-Ratio (Get-Time $size "B/$d/teardown") (Get-Time $size 'A/teardown')
            'teardown B2/A'      = Get-Ratio (Get-Time $size "B2/$d/teardown") (Get-Time $size 'A/teardown')
            'Get-NetNamespace s' = Get-Time $size 'Get-NetNamespace'
        }
    }
}
# The loop lab as a script pays for it (fresh pwsh, start to exit) against the floor; its teardown against bash's.
$fresh = foreach ($size in $N) {
    foreach ($d in $drivers) {
        foreach ($k in $pwshKinds.Keys) {
            $fl = $floorName[$d]; $f = Get-Time $size "$fl/setup+publish"; $b2f = Get-Time $size "B2fresh$k/$d/setup+publish"; $bf = Get-Time $size "Bfresh$k/$d/setup+publish"
            $ta = Get-Time $size 'A/teardown'; $tb2f = Get-Time $size "B2fresh$k/$d/teardown"; $tbf = Get-Time $size "Bfresh$k/$d/teardown"
            [pscustomobject]@{
                N                    = $size
                Driver               = $d
                pwsh                 = $pwshKinds[$k]
                Floor                = $fl
                'Floor s'            = $f
                'B2fresh s'          = $b2f
                'Bfresh s'           = $bf
                'B2fresh/Floor'      = Get-Ratio $b2f $f
                'Bfresh/Floor'       = Get-Ratio $bf $f
                'teardown A s'       = $ta
                'teardown B2fresh s' = $tb2f
                'teardown Bfresh s'  = $tbf
                'td B2fresh/A'       = Get-Ratio $tb2f $ta
                'td Bfresh/A'        = Get-Ratio $tbf $ta
            }
        }
    }
}
# Per call: one row per driver and cmdlet, the columns of each H side by side, and how much the ratio grew from the first H to the last.
$hostSizes = @($HostSizes)
$perCall = foreach ($d in $drivers) {
    foreach ($cmdlet in @($perCallRows | ForEach-Object { $_.Cmdlet } | Select-Object -Unique)) {
        $mine = @($perCallRows | Where-Object { $_.Cmdlet -eq $cmdlet -and $_.Driver -eq $d })
        $row = [ordered]@{ Driver = $d; Cmdlet = $cmdlet; 'raw cmds' = $mine[0].RawCommands }
        foreach ($h in $hostSizes) {
            $r = $mine | Where-Object { [int]$_.H -eq $h }
            $row["ms@$h"] = [double]$r.CmdletMs
            $row["raw ms@$h"] = [double]$r.RawMs
            $row["ratio@$h"] = Get-Ratio $r.CmdletMs $r.RawMs
        }
        $first = $row["ratio@$($hostSizes[0])"]; $last = $row["ratio@$($hostSizes[-1])"]
        $row["growth $($hostSizes[-1])/$($hostSizes[0])"] = if ($hostSizes.Count -gt 1) { Get-Ratio $last $first } else { $null }
        [pscustomobject]$row
    }
}
# The headline: B and B2 as a script pays for them (fresh pwsh), beside A, the floor and the peers, at each N and driver.
$headline = foreach ($size in @(if ($Section -contains 'Loop' -or $Section -contains 'Peers') { $PeerSizes })) {
    foreach ($d in $drivers) {
        foreach ($k in $pwshKinds.Keys) {
            $fl = $floorName[$d]; $f = Find-Time $size "$fl/setup+publish"; $cni = Find-Time $size 'CNI/setup+publish'; $nv = Find-Time $size 'netavark/setup+publish'
            $bf = Find-Time $size "Bfresh$k/$d/setup+publish"; $b2f = Find-Time $size "B2fresh$k/$d/setup+publish"; $ta = Find-Time $size 'A/teardown'; $tb2f = Find-Time $size "B2fresh$k/$d/teardown"
            [pscustomobject][ordered]@{
                N                 = $size
                Driver            = $d
                pwsh              = $pwshKinds[$k]
                'A s'             = Find-Time $size 'A/setup+publish'
                Floor             = $fl
                'Floor s'         = $f
                'B fresh s'       = $bf
                'B2 fresh s'      = $b2f
                'CNI s'           = $cni
                'netavark s'      = $nv
                'B/Floor'         = Get-Ratio $bf $f
                'B2/Floor'        = Get-Ratio $b2f $f
                'B/CNI'           = Get-Ratio $bf $cni
                'td A s'          = $ta
                'td B2 fresh s'   = $tb2f
                'td CNI s'        = Find-Time $size 'CNI/teardown'
                'td netavark s'   = Find-Time $size 'netavark/teardown'
                'td B2/A'         = Get-Ratio $tb2f $ta
            }
        }
    }
}
# Growth of each way's time from one N to the next (100 -> 1000 when both ran): 10 means linear.
$sizesRun = @($PeerSizes | Sort-Object -Unique)
$growth = if ($sizesRun.Count -gt 1) {
    $from = if ($sizesRun -contains 100 -and $sizesRun -contains 1000) { 100 } else { $sizesRun[-2] }
    $to = if ($from -eq 100 -and $sizesRun -contains 1000) { 1000 } else { $sizesRun[-1] }
    $ways = @($rows | Where-Object { [int]$_.N -eq $to -and $_.Measure -match '/(setup\+publish|teardown)$' } | ForEach-Object { $_.Measure } | Sort-Object -Unique)
    foreach ($way in $ways) {
        $a0 = Find-Time $from $way; $a1 = Find-Time $to $way
        if ($null -ne $a0 -and $null -ne $a1) { [pscustomobject]@{ Way = $way; "s @$from" = $a0; "s @$to" = $a1; "growth $to/$from" = Get-Ratio $a1 $a0; 'linear' = Get-Ratio $to $from } }
    }
}
$peerChecks = @(& $sectionOf 'PeerCheck' | Select-Object N, Peer, Check, Path)
$firstCalls = @(& $sectionOf 'FirstCall' | Select-Object * -ExcludeProperty Section)
$one = if ($Section -contains 'Loop') { Get-Ratio (Get-Time 1 'New-NetNamespace (one)') (Get-Time 1 'ip netns add + lo up (one)') }

Write-Host "`nAll figures are medians on a shared 2-core machine (other work runs beside it): noisy, read ratios and trends, not single values." -ForegroundColor Yellow
Write-Host "A = bash loop of the article's commands, B = NetNsPS pipelines, B2 = NetNsPS once per namespace in a foreach loop (both in this warm pwsh)," -ForegroundColor Cyan
Write-Host "under each firewall driver (Driver). Floor: F = ip -batch on the host, one ip -n NS -batch per namespace, one iptables-restore (iptables);" -ForegroundColor Cyan
Write-Host "F-nft = the same ip part and one nft -f file with the nftables driver's table layout (nftables; its state checked equal to the driver's)." -ForegroundColor Cyan
Write-Host "Medians of $Rounds rounds (seconds); setup+publish unless noted" -ForegroundColor Cyan
$ratios | Format-Table -Property * -AutoSize | Out-String -Width 300 | Write-Host
Write-Host "Loop lab in a fresh pwsh (start to exit: what a script pays) against the driver's floor; teardown (Unpublish + Remove per namespace) against A's. Targets: B2fresh/Floor <= 3, td B2fresh/A <= 1" -ForegroundColor Cyan
$fresh | Format-Table -Property * -AutoSize | Out-String -Width 300 | Write-Host
Write-Host "Per call, in a warm pwsh, with H namespaces (veth, address, published port) already on the host: median ms of $Calls calls, each on a fresh namespace," -ForegroundColor Cyan
Write-Host "beside the raw commands the call replaces (its -WhatIf lines, each spawned as a process). Target: growth of the ratio <= 1.5" -ForegroundColor Cyan
$perCall | Format-Table -Property * -AutoSize | Out-String -Width 300 | Write-Host
if ($headline) {
    Write-Host "HEADLINE: B (pipelines) and B2 (foreach loop) in a fresh pwsh, start to exit, against A (bash), the driver's floor and the peers" -ForegroundColor Cyan
    Write-Host "(CNI bridge+portmap and netavark: the same lab, namespaces made and deleted in one ip -batch each, their plugins spawned by a bash loop)." -ForegroundColor Cyan
    Write-Host "Targets: B/Floor <= 1.5, B2/Floor <= 2, td B2/A <= 0.25, B/CNI <= 0.1 at N=100. Warm figures (this pwsh) are in the first table." -ForegroundColor Cyan
    $headline | Format-Table -Property * -AutoSize | Out-String -Width 300 | Write-Host
    if ($peerChecks) { Write-Host 'Peers checked before their times were kept:' -ForegroundColor Cyan; $peerChecks | Format-Table -AutoSize | Out-String -Width 300 | Write-Host }
}
if ($firstCalls) {
    Write-Host "First calls in a fresh pwsh (median of 5 processes): Import-Module (target < 300 ms), then each cmdlet's first call and its second, with the JIT time each caused" -ForegroundColor Cyan
    $firstCalls | Format-Table -Property * -AutoSize | Out-String -Width 300 | Write-Host
}
if ($growth) {
    Write-Host "Growth of each way's time between the two largest N ('linear' is the ratio of the sizes)" -ForegroundColor Cyan
    $growth | Format-Table -Property * -AutoSize | Out-String -Width 300 | Write-Host
}
foreach ($d in $drivers) {
    foreach ($cmdlet in @($perCallRows | ForEach-Object { $_.Cmdlet } | Select-Object -Unique)) {
        Write-Host "  [$d] $cmdlet replaces: $((($perCallRows | Where-Object { $_.Cmdlet -eq $cmdlet -and $_.Driver -eq $d } | Select-Object -First 1).Raw) -join ' ; ')"
    }
}
Write-Host "`nPublish cost at size: one Publish-NsPort (a fresh mapping) / one Unpublish-NsPort with $Mappings mappings already published, median of $Calls calls in a warm pwsh. Target (nftables): Publish <= 1 ms" -ForegroundColor Cyan
$atSize | Format-Table -Property * -AutoSize | Out-String -Width 300 | Write-Host
Write-Host "Per packet: new TCP connections/s from wan to the last-added published port, with 1 and with $ConnPorts published ports (median of $ConnTrials trials of $ConnSeconds s;" -ForegroundColor Cyan
Write-Host "python3 client and server, one connection at a time). Target (nftables): ratio >= 0.9. Of the $ConnPorts, the last 'via cmdlets' (the measured one last)" -ForegroundColor Cyan
Write-Host "are published through Publish-NsPort in one pipeline (timed) and unpublished in one (timed), the others made the floor way first." -ForegroundColor Cyan
$connRate | Format-Table -Property * -AutoSize | Out-String -Width 300 | Write-Host
Write-Host "One New-NetNamespace / the raw commands it replaces: $one"
Write-Host "pwsh start (bare): $(Get-Time 0 'pwsh start (bare)') s; Import-Module over a bare pwsh start: $(Get-Time 0 'Import-Module (over bare pwsh start)') s"
if ($ReadyToRunPwsh) { Write-Host "ReadyToRun pwsh ($ReadyToRunPwsh): start (bare) $(Get-Time 0 'pwsh start (bare, ReadyToRun)') s; Import-Module over it $(Get-Time 0 'Import-Module (over bare pwsh start, ReadyToRun)') s" }
$rows | Sort-Object N, Measure | Format-Table -AutoSize | Out-String -Width 160 | Write-Host
Write-Host ("Benchmark run: {0:N0} s" -f $benchStart.Elapsed.TotalSeconds)

New-Item -ItemType Directory -Force -Path $OutputDirectory | Out-Null
$file = Join-Path $OutputDirectory ("bench-{0:yyyyMMdd-HHmmss}.json" -f (Get-Date))
[pscustomobject]@{
    Date           = (Get-Date).ToString('o')
    Machine        = "$([Environment]::ProcessorCount) cores, $(uname -r)"
    Rounds         = $Rounds
    Calls          = $Calls
    Drivers        = $drivers
    Seconds        = [math]::Round($benchStart.Elapsed.TotalSeconds, 1)
    Legend         = 'A bash loop; B pipelines; B2 foreach loop (warm pwsh); F floor (iptables-restore); F-nft floor (nft -f); B2fresh/Bfresh = B2/B in a fresh pwsh, start to exit (-r2r: under the ReadyToRun pwsh); way/driver = under that firewall driver. Medians on a shared, noisy machine.'
    Ratios         = $ratios
    FreshLoop      = $fresh
    Headline       = $headline
    Growth         = $growth
    PeerChecks     = $peerChecks
    FirstCalls     = $firstCalls
    PerCall        = $perCall
    PerCallSamples = @($perCallRows | Select-Object Driver, H, Lab, Cmdlet, CmdletMs, RawMs, RawCommands, Raw)
    PublishAtSize  = $atSize
    ConnectionRate = $connRate
    OneObjectRatio = $one
    Measures       = $rows
} | ConvertTo-Json -Depth 4 | Set-Content $file
Write-Host "Written to $file"
