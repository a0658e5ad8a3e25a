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
    foreach ($tool in 'iptables', 'ip6tables') {
        if (Get-Command $tool -ErrorAction SilentlyContinue) {
            foreach ($table in 'nat', 'filter', 'raw', 'mangle') {
                & $tool -w -t $table -F 2>$null
                & $tool -w -t $table -X 2>$null
            }
            & $tool -w -P FORWARD ACCEPT 2>$null
        }
    }
    if (Get-Command nft -ErrorAction SilentlyContinue) {
        # The nftables driver's table (iptables-nft's own tables are reset through iptables above), and the host
        # firewall table the fixtures and help examples make.
        & nft delete table inet netnsps 2>$null
        & nft delete table inet hostfw 2>$null
    }
    & sysctl -q -w net.ipv4.ip_forward=0 | Out-Null
    if (Test-Path /proc/sys/net/ipv6/conf/all/forwarding) { & sysctl -q -w net.ipv6.conf.all.forwarding=0 | Out-Null }
    Get-ChildItem /etc/sysctl.d -ErrorAction SilentlyContinue | Remove-Item -Force
    # What NetNsPS recorded of the settings it changed, in this network namespace.
    Remove-Item -LiteralPath ([NetNsPS.Linux.SettingsRecords]::FilePath) -ErrorAction SilentlyContinue
}

function Test-Ping {
    # True when one ICMP echo gets an answer: iputils ping, not NetNsPS code. No -Namespace: from the host.
    param([string] $Namespace, [Parameter(Mandatory)][string] $Target)
    if ($Namespace) { & ip netns exec $Namespace ping -c 1 -W 1 $Target *> $null } else { & ping -c 1 -W 1 $Target *> $null }
    $LASTEXITCODE -eq 0
}

function Wait-StateDump {
    # Get-StateDump, read again until it equals Expected or Seconds have passed; returns the last one read. The kernel
    # frees deleted namespaces in work shared by the whole machine: NetNsPS waits up to 5 s for their links, and under
    # load (other sandboxes making and deleting namespaces) that can take longer.
    param([Parameter(Mandatory)][string] $Expected, [int] $Seconds = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    do { $dump = Get-StateDump } while ($dump -ne $Expected -and [DateTime]::UtcNow -lt $deadline -and -not (Start-Sleep -Milliseconds 200))
    $dump
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
    $parts.Add((Get-FirewallDump))
    foreach ($key in 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables') {
        $parts.Add("$key=" + (Read-Sysctl $key))
    }
    # route_localnet of every interface of the host (Publish-NsPort sets it on bridges), all and default included.
    $localnet = Get-ChildItem /proc/sys/net/ipv4/conf -Directory -ErrorAction SilentlyContinue | Sort-Object Name |
        ForEach-Object { "$($_.Name)=$(Read-Sysctl "net/ipv4/conf/$($_.Name)/route_localnet")" }
    $parts.Add('route_localnet: ' + ($localnet -join ','))
    $parts.Add('sysctl.d: ' + ((Get-ChildItem /etc/sysctl.d -ErrorAction SilentlyContinue | ForEach-Object { "$($_.Name):$(Get-Content $_ -Raw)" }) -join ';'))
    $parts -join "`n"
}

function Get-FirewallDump {
    # The firewall, whichever driver NETNSPS_FIREWALL picks: iptables-save (Get-IptablesDump) and the nftables
    # ruleset without iptables-nft's own tables (those are iptables-save's part). Under the nftables driver the
    # iptables part must not change at all; under iptables the nft part must not.
    $parts = [System.Collections.Generic.List[string]]::new()
    if (Get-Command iptables-save -ErrorAction SilentlyContinue) {
        $parts.Add('iptables ' + (Get-IptablesDump))
    }
    if (Get-Command ip6tables-save -ErrorAction SilentlyContinue) {
        $parts.Add('ip6tables ' + (Get-IptablesDump -Tool ip6tables-save))
    }
    if (Get-Command nft -ErrorAction SilentlyContinue) {
        $parts.Add('nft ' + (Get-NftDump))
    }
    $parts -join "`n"
}

function Get-NftDump {
    # `nft list ruleset`, each table a block, iptables-nft's xtables-compatible tables (ip/ip6 nat, filter, raw,
    # mangle, security) left out.
    $blocks = [System.Collections.Generic.List[string]]::new()
    $block = $null
    $keep = $false
    foreach ($line in (& nft list ruleset 2>&1)) {
        # nft's note on the tables iptables-nft made (on stderr, so anywhere in the stream): those tables are
        # iptables-save's part.
        if ("$line" -match '^# Warning: table \S+ \S+ is managed by iptables-nft') { continue }
        # and its note on an xtables extension of those tables it cannot print (Docker's MASQUERADE, before the kernel
        # has loaded its module), on stderr too.
        if ("$line" -match '^XT (target|match) \S+ not found') { continue }
        if ($line -match '^table (\S+) (\S+)') {
            $keep = -not ($Matches[1] -in 'ip', 'ip6' -and $Matches[2] -in 'nat', 'filter', 'raw', 'mangle', 'security')
            $block = [System.Collections.Generic.List[string]]::new()
        }
        if ($null -ne $block) { $block.Add(($line -replace 'counter packets \d+ bytes \d+', 'counter')) }
        if ($line -eq '}' -and $null -ne $block) {
            if ($keep) { $blocks.Add((Format-NftTable $block)) }
            $block = $null
        }
    }
    ($blocks | Sort-Object) -join "`n"
}

function Format-NftTable {
    # A table's listing with its sets, maps and chains in name order: nft lists them in the order they were made,
    # which a rollback that deletes and re-makes one changes without changing what the table does.
    param([System.Collections.Generic.List[string]] $Lines)
    $members = [System.Collections.Generic.List[string]]::new()
    $member = $null
    foreach ($line in $Lines[1..($Lines.Count - 2)]) {
        # A member starts at its own line ("\tchain x {", "\tset s {"), not at the closing "\t}" of the one before.
        if ($line -match '^\t[^\s}]') { $member = [System.Collections.Generic.List[string]]::new() }
        if ($null -ne $member) { $member.Add($line) }
        if ($line -eq "`t}" -and $null -ne $member) { $members.Add($member -join "`n"); $member = $null }
    }
    (@($Lines[0]) + ($members | Sort-Object) + @($Lines[-1])) -join "`n"
}

function Get-FirewallDriverName {
    # The driver the module under test uses (NETNSPS_FIREWALL; unset or auto: nftables where libnftables loads).
    (Get-NetNsPSOption).EffectiveFirewallDriver
}

function Get-IptablesDump {
    # iptables-save (or another save tool: ip6tables-save, iptables-legacy-save, iptables-nft-save) without comments
    # and counters. A table with no rules and only built-in chains at ACCEPT is left out: iptables-nft keeps a table
    # listed once anything touched it, though it is empty.
    param([string] $Tool = 'iptables-save')
    $tables = [System.Collections.Generic.List[string]]::new()
    $block = $null
    foreach ($line in (& $Tool 2>&1)) {
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
    # A namespace that plays the internet: wan (198.51.100.1/24), linked to the sandbox host (198.51.100.2/24);
    # with -Ipv6 also 2001:db8:100::1/64 and 2001:db8:100::2/64 (nodad: usable at once).
    # Raw ip commands, so the test infrastructure does not depend on the code under test.
    param([switch] $Ipv6)
    Assert-Sandbox
    Invoke-Checked ip netns add wan
    Invoke-Checked ip link add veth-wan type veth peer name veth-wan-h
    Invoke-Checked ip link set veth-wan netns wan
    Invoke-Checked ip -n wan addr add 198.51.100.1/24 dev veth-wan
    Invoke-Checked ip -n wan link set veth-wan up
    Invoke-Checked ip -n wan link set lo up
    Invoke-Checked ip addr add 198.51.100.2/24 dev veth-wan-h
    Invoke-Checked ip link set veth-wan-h up
    if ($Ipv6) {
        Invoke-Checked ip -n wan addr add 2001:db8:100::1/64 dev veth-wan nodad
        Invoke-Checked ip addr add 2001:db8:100::2/64 dev veth-wan-h nodad
    }
}

function Start-NsWebServer {
    # python3's http.server inside a namespace; returns the process (stop it by its Id). Waits until it answers.
    param([Parameter(Mandatory)][string] $Namespace, [int] $Port = 80, [string] $Bind = '0.0.0.0', [string] $LogPath = "/tmp/netnsps-web-$Namespace-$Port.log")
    $root = Join-Path ([IO.Path]::GetTempPath()) "netnsps-www-$Namespace"
    New-Item -ItemType Directory -Force -Path $root | Out-Null
    Set-Content -Path (Join-Path $root 'index.html') -Value "hello from $Namespace"
    $process = Start-Process ip -ArgumentList 'netns', 'exec', $Namespace, 'python3', '-m', 'http.server', "$Port", '--bind', $Bind, '--directory', $root `
        -RedirectStandardOutput "$LogPath.out" -RedirectStandardError $LogPath -PassThru
    # Bound to every address ('::' is dual stack in http.server), it answers on 127.0.0.1; an IPv6 address goes in brackets.
    $probe = if ($Bind -in '0.0.0.0', '::') { '127.0.0.1' } elseif ($Bind.Contains(':')) { "[$Bind]" } else { $Bind }
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

function Read-Sysctl {
    # A kernel parameter of this network namespace, read from /proc/sys (dots or slashes); '<absent>' when it does not exist.
    param([Parameter(Mandatory)][string] $Key)
    $path = '/proc/sys/' + $(if ($Key.Contains('/')) { $Key } else { $Key.Replace('.', '/') })
    if (Test-Path -LiteralPath $path) { (Get-Content -LiteralPath $path -Raw).Trim() } else { '<absent>' }
}

function Format-Json {
    # Drops fields that change on their own (timers, statistics, IPv6 duplicate address detection)
    # so two dumps of the same state are equal.
    param($Json)
    $text = $Json -join "`n"
    $volatile = '"(\w*_timer|stats\w*|used|updated|expires|last_\w+|tentative|valid_life_time|preferred_life_time)":\s*("[^"]*"|[\d.]+|true|false|\{[^{}]*\})\s*,?'
    # Carrier and what follows from it (LOWER_UP, NO-CARRIER, M-DOWN, operstate, a bridge port's STP state), and the
    # a route's linkdown flag, and the read-only TSO limits a bridge takes from its ports, are the kernel's conclusions, set late by linkwatch and by
    # the bridge as ports come and go (a bridge starts at tso_max_size 65536 and ends at 524280): not configuration.
    $carrier = '"operstate":"\w+",?|"state":"(disabled|listening|learning|forwarding|blocking)",?|"(LOWER_UP|NO-CARRIER|M-DOWN|linkdown)",?|"tso_max_(size|segs)":\d+,?'
    ((($text -replace $volatile, '') -replace $carrier, '') -replace ',\s*}', '}') -replace ',\s*\]', ']'
}

function Get-PwshCommandLine {
    # How to start another pwsh like this one: its executable, plus pwsh.dll when it runs as the dotnet tool.
    $exe = [Environment]::ProcessPath
    $prefix = @(if ((Split-Path $exe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    @($exe) + $prefix
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

function Invoke-ArticleSetup {
    # The whole article through the cmdlets, both halves (outbound NAT, forwarding persisted, port 8080 to red:80,
    # bridge netfilter, hairpin); returns every object the cmdlets wrote, in order.
    New-NetNamespace red, blue
    New-NetBridge bridge0 -IPAddress 192.168.15.1/24
    'red', 'blue' | Add-VethPair -Bridge bridge0
    Add-NsIPAddress 192.168.15.2/24 -Namespace red -InterfaceName veth-red
    Add-NsIPAddress 192.168.15.3/24 -Namespace blue -InterfaceName veth-blue
    'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 }
    Enable-NsMasquerade bridge0
    Enable-IpForward -Persist
    Enable-BridgeNetfilter
    Publish-NsPort red -InternalPort 80 -ExternalPort 8080
    Set-BridgeHairpin veth-red-br
}

function Remove-ArticleSetup {
    # Undoes Invoke-ArticleSetup through the cmdlets, in reverse order.
    Get-NsPort | Unpublish-NsPort
    Get-NsMasquerade | Disable-NsMasquerade
    Disable-IpForward
    'red', 'blue' | ForEach-Object { Remove-NsRoute -Namespace $_ }
    Remove-VethPair red
    Remove-VethPair blue
    Remove-NetNamespace red, blue -Confirm:$false
    Remove-NetBridge bridge0 -Confirm:$false
}

function Get-NetNsPSResidue {
    # Whatever NetNsPS could have left in the firewall: its chains, jumps and tagged rules (empty when clean).
    @(& iptables-save 2>$null | Where-Object { $_ -match 'NETNSPS|netnsps' })
}

function Add-OtherToolState {
    # Plants what "another tool" owns before NetNsPS runs: chains, rules and jumps in every table the module uses,
    # a namespace with a veth on a bridge of its own, a veth pair with route_localnet on, a file under /etc/sysctl.d.
    Assert-Sandbox
    Invoke-Checked iptables -w -t nat -N OTHER-NAT
    Invoke-Checked iptables -w -t nat -A OTHER-NAT -i other0 -j RETURN
    Invoke-Checked iptables -w -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j OTHER-NAT
    Invoke-Checked iptables -w -t nat -A POSTROUTING -s 10.88.0.0/16 ! -o other0 -j MASQUERADE
    Invoke-Checked iptables -w -t nat -A OUTPUT -p tcp --dport 9999 -j DNAT --to-destination 10.88.0.2:99
    Invoke-Checked iptables -w -t filter -N OTHER-FWD
    Invoke-Checked iptables -w -t filter -A OTHER-FWD -i other0 -j ACCEPT
    Invoke-Checked iptables -w -t filter -A FORWARD -j OTHER-FWD
    Invoke-Checked iptables -w -t filter -A INPUT -p tcp --dport 22 -j ACCEPT
    Invoke-Checked iptables -w -t raw -A PREROUTING -i other0 -d 127.0.0.0/8 -j DROP
    Invoke-Checked ip netns add othertool
    Invoke-Checked ip -n othertool link set lo up
    Invoke-Checked ip link add other0 type bridge
    Invoke-Checked ip link set other0 up
    Invoke-Checked ip addr add 10.88.0.1/16 dev other0
    Invoke-Checked ip link add veth-ot type veth peer name veth-ot-h
    Invoke-Checked ip link set veth-ot netns othertool
    Invoke-Checked ip link set veth-ot-h master other0
    Invoke-Checked ip link set veth-ot-h up
    Invoke-Checked ip -n othertool addr add 10.88.0.2/16 dev veth-ot
    Invoke-Checked ip -n othertool link set veth-ot up
    Invoke-Checked ip link add other7 type veth peer name other7p
    Invoke-Checked sysctl -q -w net.ipv4.conf.other7.route_localnet=1
    Set-Content /etc/sysctl.d/50-othertool.conf 'net.core.somaxconn=1024'
    # The bridge's operstate settles (UNKNOWN, then UP once its port forwards) on its own: wait, so dumps compare.
    foreach ($i in 1..100) {
        if ((& ip -j link show other0 | ConvertFrom-Json).operstate -eq 'UP') { break }
        Start-Sleep -Milliseconds 50
    }
}

function Add-DockerHostFixture {
    # A host as Docker 28 leaves it in its iptables mode with no container running, built by hand inside the sandbox
    # from moby's own record of it (integration/network/bridge/iptablesdoc/generated/new-daemon.md and
    # usernet-portmap*.md, the DOCKER-FORWARD layout of libnetwork/drivers/bridge/setup_ip_tables_linux.go and the
    # DOCKER-USER chain of libnetwork/firewall_linux.go): docker0 at 172.17.0.1/16, its filter chains with FORWARD's
    # policy DROP (Docker sets it when it turns ip_forward on itself), its NAT rules, ip_forward=1 and
    # bridge-nf-call-iptables=1. br_netfilter is a kernel module of the whole machine: like the other files, this one
    # never loads it (no modprobe); where it is not loaded the fixture has no bridge-nf-call-iptables to set.
    Assert-Sandbox
    Invoke-Checked ip link add docker0 type bridge
    Invoke-Checked ip addr add 172.17.0.1/16 dev docker0
    Invoke-Checked ip link set docker0 up
    $rules = @(
        '*nat'
        ':DOCKER - [0:0]'
        '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER'
        '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER'
        '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE'
        'COMMIT'
        Get-DockerFilterTable
    ) -join "`n"
    $out = ($rules + "`n") | & iptables-restore -w --noflush 2>&1
    if ($LASTEXITCODE -ne 0) { throw "iptables-restore of Docker's rules failed ($LASTEXITCODE): $out" }
    Invoke-Checked sysctl -q -w net.ipv4.ip_forward=1 | Out-Null
    if (Test-Path /proc/sys/net/bridge) { Invoke-Checked sysctl -q -w net.bridge.bridge-nf-call-iptables=1 | Out-Null }
}

function Get-DockerFilterTable {
    # Docker 28's filter table for docker0, the same in iptables and ip6tables: FORWARD's policy DROP, its jumps to
    # DOCKER-USER and DOCKER-FORWARD, and the chains behind them.
    '*filter'
    ':FORWARD DROP [0:0]'
    ':DOCKER - [0:0]'
    ':DOCKER-BRIDGE - [0:0]'
    ':DOCKER-CT - [0:0]'
    ':DOCKER-FORWARD - [0:0]'
    ':DOCKER-INTERNAL - [0:0]'
    ':DOCKER-USER - [0:0]'
    '-A FORWARD -j DOCKER-USER'
    '-A FORWARD -j DOCKER-FORWARD'
    '-A DOCKER ! -i docker0 -o docker0 -j DROP'
    '-A DOCKER-BRIDGE -o docker0 -j DOCKER'
    '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
    '-A DOCKER-FORWARD -j DOCKER-CT'
    '-A DOCKER-FORWARD -j DOCKER-INTERNAL'
    '-A DOCKER-FORWARD -j DOCKER-BRIDGE'
    '-A DOCKER-FORWARD -i docker0 -j ACCEPT'
    'COMMIT'
}

function Add-DockerIpv6HostFixture {
    # A host as Docker 27/28 leaves it with IPv6 on (daemon.json "ipv6": true, "fixed-cidr-v6": "2001:db8:1::/64";
    # since Docker 27 "ip6tables" is on by default): the IPv4 side of Add-DockerHostFixture, and in ip6tables the same
    # filter chains and jumps (DOCKER-USER, then DOCKER-FORWARD with DOCKER-CT, DOCKER-INTERNAL, DOCKER-BRIDGE, DOCKER)
    # with FORWARD's policy DROP (Docker sets it when it turns IPv6 forwarding on itself), its IPv6 NAT rules, docker0
    # at 2001:db8:1::1/64, net.ipv6.conf.all.forwarding=1 and bridge-nf-call-ip6tables=1. As Add-DockerHostFixture,
    # it never loads br_netfilter (a kernel module of the whole machine): where it is not loaded there is no
    # bridge-nf-call-ip6tables to set, and bridged IPv6 frames do not pass ip6tables at all.
    Assert-Sandbox
    Add-DockerHostFixture
    Invoke-Checked ip addr add 2001:db8:1::1/64 dev docker0 nodad
    $rules = @(
        '*nat'
        ':DOCKER - [0:0]'
        '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER'
        '-A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER'
        '-A POSTROUTING -s 2001:db8:1::/64 ! -o docker0 -j MASQUERADE'
        'COMMIT'
        Get-DockerFilterTable
    ) -join "`n"
    $out = ($rules + "`n") | & ip6tables-restore -w --noflush 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip6tables-restore of Docker's rules failed ($LASTEXITCODE): $out" }
    Invoke-Checked sysctl -q -w net.ipv6.conf.all.forwarding=1 | Out-Null
    if (Test-Path /proc/sys/net/bridge) { Invoke-Checked sysctl -q -w net.bridge.bridge-nf-call-ip6tables=1 | Out-Null }
}

function Start-FirewalldFixture {
    # firewalld for real, the Debian package's own daemon (1.3, nftables backend, default zone public, whose target
    # rejects forwarded traffic), inside the sandbox: a tmpfs over /run (the sandbox covers only /run/netns of the
    # host's; the bus socket, /run/firewalld and the module's /run/netnsps stay in this one), a private system bus
    # (dbus-daemon with a config of its own: no activation, no polkit, root only) at /run/dbus/system_bus_socket where
    # firewall-cmd and the module look for it, and a tmpfs copy of /etc/firewalld given to firewalld with
    # --system-config (so --permanent writes stay in the sandbox too; /var/lib/firewalld is not used by 1.3 and, absent
    # on this machine, is not made). Both daemons are started here and stopped by their PID (Stop-FirewalldFixture).
    # At start firewalld makes its table inet firewalld and flushes every iptables table (measured: iptables-nft's
    # rules and chains were gone, native nft tables stayed), so build the rest of the host after this.
    # Returns the two processes, or a string: why firewalld cannot run here.
    Assert-Sandbox
    foreach ($program in 'firewalld', 'firewall-cmd', 'dbus-daemon') {
        if (-not (Get-Command $program -ErrorAction SilentlyContinue)) { return "$program is not installed (apt-get install firewalld)" }
    }
    if (Get-ChildItem /run/netns -ErrorAction SilentlyContinue) { throw 'Start-FirewalldFixture covers /run: call it with no namespace left (after Reset-Sandbox).' }
    Invoke-Checked mount -t tmpfs -o mode=0755 netnsps-firewalld-run /run | Out-Null
    $root = '/run/netnsps-firewalld'
    New-Item -ItemType Directory -Force -Path /run/netns, /run/dbus, ([NetNsPS.Linux.FirewallLock]::Directory), $root | Out-Null
    Copy-Item -Recurse -LiteralPath /etc/firewalld -Destination "$root/etc"
    $conf = "$root/etc/firewalld.conf"
    (Get-Content $conf) -replace '^FirewallBackend=.*', 'FirewallBackend=nftables' -replace '^DefaultZone=.*', 'DefaultZone=public' | Set-Content $conf
    Set-Content "$root/bus.conf" @'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
'@
    $bus = Start-Process dbus-daemon -ArgumentList "--config-file=$root/bus.conf", '--nofork', '--nopidfile' -PassThru `
        -RedirectStandardOutput "$root/bus.out" -RedirectStandardError "$root/bus.err"
    foreach ($i in 1..100) { if (Test-Path /run/dbus/system_bus_socket) { break }; Start-Sleep -Milliseconds 50 }
    $daemon = Start-Process firewalld -ArgumentList '--nofork', '--nopid', '--system-config', "$root/etc", '--log-target', 'console' -PassThru `
        -RedirectStandardOutput "$root/firewalld.log" -RedirectStandardError "$root/firewalld.err"
    $fixture = [pscustomobject]@{ Bus = $bus; Firewalld = $daemon; Log = "$root/firewalld.log" }
    $started = [System.Diagnostics.Stopwatch]::StartNew()
    while ($started.Elapsed.TotalSeconds -lt 60) {
        if ((& firewall-cmd --state 2>$null) -eq 'running') {
            $fixture | Add-Member StartSeconds ([Math]::Round($started.Elapsed.TotalSeconds, 1))
            return $fixture
        }
        if ($daemon.HasExited) { break }
        Start-Sleep -Milliseconds 200
    }
    $why = "firewalld did not come up: $((Get-Content "$root/firewalld.log", "$root/firewalld.err" -Raw -ErrorAction SilentlyContinue) -join ' ')"
    Stop-FirewalldFixture $fixture
    $why
}

function Stop-FirewalldFixture {
    # Stops what Start-FirewalldFixture started, by PID (firewalld first: CleanupOnExit=yes deletes its table), and
    # gives back the sandbox's own /run. Call it with no namespace left.
    param($Fixture)
    Assert-Sandbox
    foreach ($process in $Fixture.Firewalld, $Fixture.Bus) {
        if ($process -and -not $process.HasExited) {
            & kill -TERM $process.Id
            if (-not $process.WaitForExit(20000)) { & kill -KILL $process.Id; $process.WaitForExit() }
        }
    }
    Get-ChildItem /run/netns -ErrorAction SilentlyContinue | ForEach-Object { & ip netns delete $_.Name 2>$null }
    # -R: with the namespaces' own mounts under it (ip netns makes /run/netns one).
    & umount -R /run 2>$null
}

function Get-FirewalldZones {
    # firewalld's zones as firewall-cmd shows them: all of them, and the active ones with their interfaces.
    "zones: $(& firewall-cmd --get-zones 2>&1)"
    "active: $((& firewall-cmd --get-active-zones 2>&1) -join ' | ')"
}

function Get-PublishedAnswers {
    # What the article's published port 8080 (red:80) answers, in this order: from another machine (wan), from the
    # host's localhost, from a sibling (blue) and by hairpin (red itself); 'hello from red' each where it works.
    Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/'
    Get-Page -Url 'http://127.0.0.1:8080/'
    Get-Page -Namespace blue -Url 'http://192.168.15.1:8080/'
    Get-Page -Namespace red -Url 'http://192.168.15.1:8080/'
}

function Get-UnpublishedAnswers {
    # What red's unpublished port 81 answers, in this order: from blue (it does answer), and from wan directly and
    # through the host (neither may). A $null for each that gets no answer.
    Get-Page -Namespace blue -Url 'http://192.168.15.2:81/'
    $direct = Get-Page -Namespace wan -Url 'http://192.168.15.2:81/'
    if ($direct) { $direct } else { $null }
    $viaHost = Get-Page -Namespace wan -Url 'http://198.51.100.2:81/'
    if ($viaHost) { $viaHost } else { $null }
}

function Get-WanRequestLog {
    # Red asks wan's web server (Start-NsWebServer -LogPath) for its page; returns that page and then the server's
    # log once it holds the request of a client other than wan itself (http.server logs after it answers).
    param([Parameter(Mandatory)][string] $LogPath)
    Get-Page -Namespace red -Url 'http://198.51.100.1:8000/'
    foreach ($i in 1..20) {
        if ((Get-Content $LogPath -Raw) -match '(?m)^(?!198\.51\.100\.1 )\S+ - - ') { break }
        Start-Sleep -Milliseconds 100
    }
    Get-Content $LogPath -Raw
}

function Set-IptablesAlternative {
    # Points `iptables`, `iptables-save`, `iptables-restore` and their ip6tables twins at one backend, as
    # `update-alternatives --set iptables /usr/sbin/iptables-legacy` does on a real host, but only inside this
    # sandbox's mount namespace: a tmpfs copy of /etc/alternatives, mounted over it (dpkg's own records are not touched).
    # /usr/sbin/iptables -> /etc/alternatives/iptables -> /usr/sbin/iptables-legacy -> xtables-legacy-multi.
    param([Parameter(Mandatory)][ValidateSet('legacy', 'nft')][string] $Backend)
    Assert-Sandbox
    $dir = "/run/netnsps-test-alternatives-$Backend"
    Invoke-Checked rm -rf $dir | Out-Null
    Invoke-Checked cp -a /etc/alternatives/. "$dir/" | Out-Null
    foreach ($v in 'iptables', 'ip6tables') {
        foreach ($suffix in '', '-save', '-restore') {
            Invoke-Checked ln -sfn "/usr/sbin/$v-$Backend$suffix" "$dir/$v$suffix" | Out-Null
        }
    }
    Invoke-Checked mount --bind $dir /etc/alternatives | Out-Null
}

function Add-LegacyHostFixture {
    # A host whose own rules live in iptables-legacy (update-alternatives set to legacy, as on older Debian, CentOS 7,
    # or hosts kept on legacy for a tool that needs it): `iptables` is the legacy binary for the fixture's life, filter
    # FORWARD's policy is DROP, INPUT holds a few rules of the admin's, and iptables-nft holds nothing. Both backends
    # run in the kernel (a legacy DROP drops what nf_tables accepted), so the module must write where the drop is.
    Assert-Sandbox
    Set-IptablesAlternative legacy
    $rules = @(
        '*filter'
        ':INPUT ACCEPT [0:0]'
        ':FORWARD DROP [0:0]'
        ':OUTPUT ACCEPT [0:0]'
        '-A INPUT -i lo -j ACCEPT'
        '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
        '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'
        'COMMIT'
    ) -join "`n"
    $out = ($rules + "`n") | & iptables-legacy-restore -w 2>&1
    if ($LASTEXITCODE -ne 0) { throw "iptables-legacy-restore of the host's rules failed ($LASTEXITCODE): $out" }
}

function Hide-IptablesPrograms {
    # No iptables binaries at all, inside this sandbox's mount namespace only: /usr/sbin (and so /sbin, its symlink on
    # Debian 12) becomes a tmpfs of symlinks to the real files, bound at /run/netnsps-test-real-sbin, for every program
    # but iptables*, ip6tables*, xtables*, arptables* and ebtables*. A lookup on PATH then finds none of them.
    Assert-Sandbox
    $real = '/run/netnsps-test-real-sbin'
    New-Item -ItemType Directory -Force -Path $real | Out-Null
    Invoke-Checked mount --bind /usr/sbin $real | Out-Null
    Invoke-Checked mount -t tmpfs -o mode=0755 netnsps-test-sbin /usr/sbin | Out-Null
    foreach ($name in (Get-ChildItem -LiteralPath $real -Name)) {
        if ($name -match '^(ip6?tables|xtables|arptables|ebtables)') { continue }
        Invoke-Checked ln -s "$real/$name" "/usr/sbin/$name" | Out-Null
    }
}

function Add-NftOnlyHostFixture {
    # An nftables-only host: no iptables binaries (Hide-IptablesPrograms), and the host's own firewall in a table of
    # its own, as /etc/nftables.conf leaves it: `table inet hostfw` whose input chain takes a few rules and whose
    # forward chain drops everything (policy drop).
    Assert-Sandbox
    Hide-IptablesPrograms
    $rules = @(
        'table inet hostfw {'
        '    chain input {'
        '        type filter hook input priority filter; policy accept;'
        '        iif "lo" accept'
        '        ct state established,related accept'
        '        tcp dport 22 accept'
        '    }'
        '    chain forward {'
        '        type filter hook forward priority filter; policy drop;'
        '    }'
        '}'
    ) -join "`n"
    $out = ($rules + "`n") | & nft -f - 2>&1
    if ($LASTEXITCODE -ne 0) { throw "nft -f of the host's table failed ($LASTEXITCODE): $out" }
}

function Add-UfwHostFixture {
    # A host that runs the real Debian ufw package, enabled with its defaults: deny incoming, deny routed (FORWARD's
    # policy DROP), allow outgoing. ufw's state stays in this sandbox: tmpfs copies of /etc/ufw, /usr/lib/ufw (/lib/ufw)
    # and /etc/default/ufw are mounted over them in its mount namespace, and IPT_SYSCTL points at an empty file, so
    # ufw-init sets no sysctl. ufw drives `iptables` (iptables-nft here): its chains live in iptables-nft's tables.
    Assert-Sandbox
    if (-not (Get-Command ufw -ErrorAction SilentlyContinue)) { throw 'ufw is not installed: apt-get install ufw' }
    $copies = '/run/netnsps-test-ufw'
    New-Item -ItemType Directory -Force -Path $copies | Out-Null
    foreach ($dir in '/etc/ufw', '/usr/lib/ufw') {
        $copy = Join-Path $copies ($dir.Trim('/') -replace '/', '_')
        New-Item -ItemType Directory -Force -Path $copy | Out-Null
        Invoke-Checked cp -a "$dir/." "$copy/" | Out-Null
        Invoke-Checked mount --bind $copy $dir | Out-Null
    }
    Set-Content -Path "$copies/sysctl.conf" -Value ''
    (Get-Content /etc/default/ufw) -replace '^IPT_SYSCTL=.*', "IPT_SYSCTL=$copies/sysctl.conf" | Set-Content "$copies/default"
    Invoke-Checked mount --bind "$copies/default" /etc/default/ufw | Out-Null
    Invoke-Checked ufw default deny incoming | Out-Null
    Invoke-Checked ufw default deny routed | Out-Null
    Invoke-Checked ufw allow 22/tcp | Out-Null
    Invoke-Checked ufw --force enable | Out-Null
}

function Remove-HostFixtureMounts {
    # Takes off what a host fixture mounted over the system's files in this sandbox (alternatives, hidden binaries,
    # ufw's state), newest first, so a later Describe of the same file starts from the real files.
    Assert-Sandbox
    $mounts = @(Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } |
            Where-Object { $_ -in '/etc/alternatives', '/usr/sbin', '/run/netnsps-test-real-sbin', '/etc/ufw', '/lib/ufw', '/usr/lib/ufw', '/etc/default/ufw' })
    [array]::Reverse($mounts)
    foreach ($m in $mounts) { Invoke-Checked umount -n $m | Out-Null }
}

function Get-BackendsDump {
    # Both iptables backends, each through its own save tool, whatever `iptables` names.
    "legacy: " + (Get-IptablesDump -Tool iptables-legacy-save) + "`nnft: " + (Get-IptablesDump -Tool iptables-nft-save)
}

function Start-ArticleOnHost {
    # What each real-host file does once its fixture is built: wan plays another machine on the host's link (its
    # default route, and it knows the way to the namespaces' subnet so it can try them directly), a web server in
    # wan; then the article through the cmdlets, red:80 published on 8080 and red:81 left unpublished. Returns the
    # pristine dump (taken before the article, by -Dump) and the servers.
    param([scriptblock] $Dump = { Get-StateDump })
    New-Wan
    Invoke-Checked ip -n wan route add 192.168.15.0/24 via 198.51.100.2 | Out-Null
    Invoke-Checked ip route add default via 198.51.100.1 | Out-Null
    $wanLog = '/tmp/netnsps-host-wan.log'
    Remove-Item $wanLog -ErrorAction SilentlyContinue
    $wanWeb = Start-NsWebServer -Namespace wan -Port 8000 -Bind 198.51.100.1 -LogPath $wanLog
    $pristine = & $Dump
    New-ArticleSetup
    'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
    Enable-IpForward | Out-Null
    Enable-NsMasquerade bridge0 | Out-Null
    Enable-BridgeNetfilter | Out-Null
    $web = Start-NsWebServer -Namespace red -Port 80
    $hidden = Start-NsWebServer -Namespace red -Port 81 -LogPath /tmp/netnsps-host-red81.log
    Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
    [pscustomobject]@{ Pristine = $pristine; Web = $web; Hidden = $hidden; WanWeb = $wanWeb; WanLog = $wanLog }
}

function Get-ArticlePaths {
    # Every path of the article on this host, each true when it works: red <-> blue, host <-> red, red -> wan (and
    # whether wan saw the host's address, not red's), the published port from wan, localhost, a sibling and by hairpin,
    # and the unpublished port 81 from wan, directly and through the host (true = it answered: a leak).
    param([Parameter(Mandatory)] $Article)
    $redToWan = (Get-Page -Namespace red -Url 'http://198.51.100.1:8000/') -eq 'hello from wan'
    $log = Get-Content $Article.WanLog -Raw -ErrorAction SilentlyContinue
    [ordered]@{
        RedToBlue          = Test-Ping -Namespace red -Target 192.168.15.3
        BlueToRed          = Test-Ping -Namespace blue -Target 192.168.15.2
        HostToRed          = (Test-Ping -Target 192.168.15.2) -and (Get-Page -Url 'http://192.168.15.2:80/') -eq 'hello from red'
        RedToHost          = Test-Ping -Namespace red -Target 192.168.15.1
        RedToWanMasqueraded = $redToWan -and $log -match '198\.51\.100\.2 - - ' -and $log -notmatch '192\.168\.15\.2 - - '
        PublishedFromWan   = (Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/') -eq 'hello from red'
        PublishedLocalhost = (Get-Page -Url 'http://127.0.0.1:8080/') -eq 'hello from red'
        PublishedSibling   = (Get-Page -Namespace blue -Url 'http://192.168.15.1:8080/') -eq 'hello from red'
        PublishedHairpin   = (Get-Page -Namespace red -Url 'http://192.168.15.1:8080/') -eq 'hello from red'
        HiddenFromBlue     = (Get-Page -Namespace blue -Url 'http://192.168.15.2:81/') -eq 'hello from red'
        HiddenFromWan      = $null -ne (Get-Page -Namespace wan -Url 'http://192.168.15.2:81/')
        HiddenViaHost      = $null -ne (Get-Page -Namespace wan -Url 'http://198.51.100.2:81/')
    }
}

function Stop-ArticleOnHost {
    # The red servers stopped, then the article's teardown through the cmdlets (Disable-IpForward puts back what
    # forwarding was).
    param([Parameter(Mandatory)] $Article)
    foreach ($p in $Article.Web, $Article.Hidden) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue; $p.WaitForExit() } }
    Remove-ArticleSetup
}

function Assert-ArticlePaths {
    # Every path of the article works on this host and the unpublished port stays closed from outside (Get-ArticlePaths).
    param([Parameter(Mandatory)] $Article)
    $paths = Get-ArticlePaths $Article
    @($paths.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) | Should -Be @(
        'RedToBlue=True', 'BlueToRed=True', 'HostToRed=True', 'RedToHost=True', 'RedToWanMasqueraded=True'
        'PublishedFromWan=True', 'PublishedLocalhost=True', 'PublishedSibling=True', 'PublishedHairpin=True'
        'HiddenFromBlue=True', 'HiddenFromWan=False', 'HiddenViaHost=False')
}

function Get-DumpDiff {
    # Where two state dumps differ, line by line in order (rule order matters), long JSON lines cut per interface.
    param([string] $Expected, [string] $Actual)
    $split = { param($text) @($text -split "`n" | ForEach-Object { $_ -split '(?=\{"ifindex")' }) }
    $a = & $split $Expected
    $b = & $split $Actual
    $out = [System.Collections.Generic.List[string]]::new()
    $n = [Math]::Max($a.Count, $b.Count)
    for ($i = 0; $i -lt $n -and $out.Count -lt 16; $i++) {
        $x = if ($i -lt $a.Count) { $a[$i] } else { '<none>' }
        $y = if ($i -lt $b.Count) { $b[$i] } else { '<none>' }
        if ($x -ne $y) {
            # Show where they part: from a little before the first difference.
            $at = 0
            while ($at -lt $x.Length -and $at -lt $y.Length -and $x[$at] -eq $y[$at]) { $at++ }
            $from = [Math]::Max(0, $at - 80)
            $cut = { param($t) $t = $t.Substring([Math]::Min($from, $t.Length)); if ($t.Length -gt 300) { $t.Substring(0, 300) + '...' } else { $t } }
            $out.Add('- ...' + (& $cut $x))
            $out.Add('+ ...' + (& $cut $y))
        }
    }
    "`n" + ($out -join "`n")
}

function Get-OtherToolDump {
    # Only what Add-OtherToolState planted, in order (iptables rule order matters), to compare before and after.
    $lines = [System.Collections.Generic.List[string]]::new()
    $table = ''
    foreach ($line in (& iptables-save 2>&1)) {
        if ($line -match '^\*(\w+)') { $table = $Matches[1]; continue }
        if ($line -match 'OTHER|other0|dport 22|dport 9999|10\.88\.') { $lines.Add("$table $($line -replace '\[\d+:\d+\]', '')") }
    }
    $lines.Add('netns othertool: ' + (Test-Path /run/netns/othertool))
    foreach ($ns in @($null, 'othertool')) {
        $prefix = if ($ns) { @('-n', $ns) } else { @() }
        foreach ($link in (& ip @prefix -d -j addr show | ConvertFrom-Json | Where-Object { $_.ifname -in 'other0', 'veth-ot', 'veth-ot-h', 'other7', 'other7p' })) {
            $addresses = ($link.addr_info | Where-Object family -eq inet | ForEach-Object { "$($_.local)/$($_.prefixlen)" }) -join ','
            $lines.Add("[$ns] $($link.ifname) $($link.linkinfo.info_kind) master=$($link.master) flags=$($link.flags -join '|') alias=$($link.ifalias) $addresses")
        }
    }
    $lines.Add('other7 route_localnet=' + (Read-Sysctl net/ipv4/conf/other7/route_localnet))
    $lines.Add('50-othertool.conf: ' + (Get-Content /etc/sysctl.d/50-othertool.conf -Raw -ErrorAction SilentlyContinue))
    $lines -join "`n"
}

function Invoke-Capture {
    # Runs a block and returns the ErrorRecords it produced, written (non-terminating) or thrown (terminating);
    # wrap the call in @() to count them.
    param([Parameter(Mandatory)][scriptblock] $Block)
    $errors = [System.Collections.Generic.List[object]]::new()
    try {
        & $Block 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $errors.Add($_) } }
    } catch {
        $errors.Add($_)
    }
    $errors.ToArray()
}

# ---- the reliability tally: how many cases of each kind were tried and how many held ----

$script:ReliabilityTally = [ordered]@{}

function Add-ReliabilityResult {
    # Counts one case of a kind; Held says whether it held.
    param([Parameter(Mandatory)][string] $Kind, [Parameter(Mandatory)][bool] $Held)
    if (-not $script:ReliabilityTally.Contains($Kind)) {
        $script:ReliabilityTally[$Kind] = [pscustomobject]@{ Kind = $Kind; Tried = 0; Held = 0 }
    }
    $script:ReliabilityTally[$Kind].Tried++
    if ($Held) { $script:ReliabilityTally[$Kind].Held++ }
}

function Invoke-ReliabilityCase {
    # Runs the checks of one case and counts it: held when no check threw (the exception still fails the test).
    param([Parameter(Mandatory)][string] $Kind, [Parameter(Mandatory)][scriptblock] $Check)
    try {
        & $Check
    } catch {
        Add-ReliabilityResult -Kind $Kind -Held $false
        throw
    }
    Add-ReliabilityResult -Kind $Kind -Held $true
}

function Write-ReliabilityTable {
    # The tally of this file as a small table on the console (for a file-level AfterAll), then the tally of every
    # reliability file run so far by the same build.ps1 (the files run one after another, each in a sandbox of its
    # own, children of the same pwsh): the last file prints the whole run's table.
    param([string] $Title = 'Reliability')
    $rows = @($script:ReliabilityTally.Values)
    Write-ReliabilityRows -Title "$Title cases" -Rows $rows
    $parent = (Get-Process -Id $PID).Parent.Id
    $file = Join-Path ([IO.Path]::GetTempPath()) "netnsps-reliability-$parent.tally"
    foreach ($row in $rows) { Add-Content -Path $file -Value ($row | ConvertTo-Json -Compress) }
    $all = @(Get-Content $file | ConvertFrom-Json | Group-Object Kind | ForEach-Object {
            [pscustomobject]@{ Kind = $_.Name; Tried = ($_.Group | Measure-Object Tried -Sum).Sum; Held = ($_.Group | Measure-Object Held -Sum).Sum }
        })
    Write-ReliabilityRows -Title 'All reliability cases of this run so far' -Rows $all
}

function Write-ReliabilityRows {
    param([string] $Title, [object[]] $Rows)
    Write-Host ''
    Write-Host "$Title (tried / held):"
    Write-Host ('  {0,-16} {1,6} {2,6}' -f 'kind', 'tried', 'held')
    foreach ($row in $Rows) {
        Write-Host ('  {0,-16} {1,6} {2,6}' -f $row.Kind, $row.Tried, $row.Held)
    }
    $tried = ($Rows | Measure-Object Tried -Sum).Sum
    $held = ($Rows | Measure-Object Held -Sum).Sum
    Write-Host ('  {0,-16} {1,6} {2,6}' -f 'total', [int]$tried, [int]$held)
}

Export-ModuleMember -Function *
