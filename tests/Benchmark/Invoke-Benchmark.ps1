<#
.SYNOPSIS
    NetNsPS against the plain bash way of the article, in one sandbox, same machine, same run.
.DESCRIPTION
    For each N: A = the article's commands in a bash loop (one process per command), B = NetNsPS pipelines,
    B2 = NetNsPS called once per namespace in a foreach loop, C = the lower bound (ip -batch, iptables-restore).
    Each builds N namespaces on one bridge (veth, address, default route), then publishes a port per
    namespace, then tears everything down. The state after A, B, B2 and C must be equal. Also times Tab
    completion (TabExpansion2) with N namespaces and ports. Prints a table of medians and writes it as JSON
    under out/bench/. Run by `build.ps1 Bench`.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [int[]] $N = @(10, 100),
    [int] $Rounds = 3,
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../../out/bench')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$results = Invoke-NsSandbox -ArgumentList $N, $Rounds, $ModulePath -ScriptBlock {
    param([int[]] $Sizes, [int] $Rounds, [string] $ModulePath)
    $ErrorActionPreference = 'Stop'

    function Address([int] $i) { "10.77.$([math]::Floor($i / 250)).$($i % 250 + 2)" }

    function Reset-Lab {
        foreach ($f in Get-ChildItem /run/netns -ErrorAction SilentlyContinue) { & ip netns delete $f.Name }
        foreach ($link in (& ip -j link show | ConvertFrom-Json)) { if ($link.ifname -ne 'lo') { & ip link delete $link.ifname 2>$null } }
        foreach ($t in 'nat', 'filter', 'raw') { & iptables -w -t $t -F; & iptables -w -t $t -X }
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
        $parts += "route_localnet=$(& sysctl -n net.ipv4.conf.br0.route_localnet)"
        $parts -join "`n"
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

    # C: the same work in as few processes as possible: one ip -batch on the host, one per namespace, one iptables-restore per table.
    function Invoke-LowerBound([int] $n, [string] $Stage) {
        $host_ = [Text.StringBuilder]::new()
        if ($Stage -eq 'setup') {
            foreach ($i in 1..$n) {
                # The same one-step create-inside as NetNsPS, so this stays a true lower bound.
                [void]$host_.Append("netns add ns$i`nlink add veth-ns$i netns ns$i type veth peer name veth-ns$i-br`nlink set veth-ns$i-br master br0`nlink set veth-ns$i-br up`n")
            }
            $host_.ToString() | & ip -batch -
            foreach ($i in 1..$n) { "link set dev lo up`nlink set veth-ns$i up`naddr add $(Address $i)/16 dev veth-ns$i`nroute add default via 10.77.0.1`n" | & ip -n "ns$i" -batch - }
        } elseif ($Stage -eq 'publish') {
            $nat = [Text.StringBuilder]::new("*nat`n-N NETNSPS-PREROUTING`n-A PREROUTING -m addrtype --dst-type LOCAL -j NETNSPS-PREROUTING`n-N NETNSPS-OUTPUT`n-A OUTPUT -m addrtype --dst-type LOCAL -j NETNSPS-OUTPUT`n-N NETNSPS-POSTROUTING`n-A POSTROUTING -j NETNSPS-POSTROUTING`n-A NETNSPS-POSTROUTING -o br0 -m addrtype --src-type LOCAL -m comment --comment netnsps:localnet:br0 -j MASQUERADE`n")
            $filter = [Text.StringBuilder]::new("*filter`n-N NETNSPS-FORWARD`n-A FORWARD -j NETNSPS-FORWARD`n")
            foreach ($i in 1..$n) {
                $a = Address $i; $p = 20000 + $i; $tag = "netnsps:port:tcp:0.0.0.0:${p}:ns${i}:br0"
                [void]$nat.Append("-A NETNSPS-PREROUTING -p tcp -m tcp --dport $p -m comment --comment ${tag}:dnat -j DNAT --to-destination ${a}:80`n")
                [void]$nat.Append("-A NETNSPS-OUTPUT -p tcp -m tcp --dport $p -m comment --comment ${tag}:dnat -j DNAT --to-destination ${a}:80`n")
                [void]$nat.Append("-A NETNSPS-POSTROUTING -s $a/32 -d $a/32 -p tcp -m tcp --dport 80 -m comment --comment ${tag}:hairpin -j MASQUERADE`n")
                [void]$filter.Append("-A NETNSPS-FORWARD -d $a/32 -o br0 -p tcp -m tcp --dport 80 -m comment --comment ${tag}:forward -j ACCEPT`n")
                [void]$host_.Append("link set veth-ns$i-br type bridge_slave hairpin on`n")
            }
            $raw = "*raw`n-N NETNSPS-PREROUTING`n-A PREROUTING -j NETNSPS-PREROUTING`n-A NETNSPS-PREROUTING -d 127.0.0.0/8 -i br0 -m comment --comment netnsps:localnet:br0:guard -j DROP`nCOMMIT`n"
            ($nat.ToString() + "COMMIT`n" + $filter.ToString() + "COMMIT`n" + $raw) | & iptables-restore -w --noflush
            & sysctl -qw net.ipv4.conf.br0.route_localnet=1
            $host_.ToString() | & ip -batch -
        } else {
            foreach ($t in 'nat', 'filter', 'raw') {
                $chains = @(& iptables-save -t $t | Where-Object { $_ -match '^:NETNSPS-' } | ForEach-Object { ($_ -split ' ')[0].Substring(1) })
                $jumps = @(& iptables-save -t $t | Where-Object { $_ -match '^-A [A-Z]+ .*-j NETNSPS-' } | ForEach-Object { $_ -replace '^-A', '-D' })
                $lines = $jumps + @($chains | ForEach-Object { "-F $_" }) + @($chains | ForEach-Object { "-X $_" })
                if ($chains) { ("*$t`n" + ($lines -join "`n") + "`nCOMMIT`n") | & iptables-restore -w --noflush }
            }
            & sysctl -qw net.ipv4.conf.br0.route_localnet=0
            ((1..$n | ForEach-Object { "netns delete ns$_" }) -join "`n") + "`n" | & ip -batch -
        }
        if ($LASTEXITCODE -ne 0) { throw "lower bound $Stage failed" }
    }

    $ports = { param($n) 1..$n | ForEach-Object { [pscustomobject]@{ Namespace = "ns$_"; InternalPort = 80; ExternalPort = 20000 + $_ } } }
    $variants = [ordered]@{
        A  = @{
            Setup    = { param($n) Invoke-Bash (Get-BashSetup $n) }
            Publish  = { param($n) Invoke-Bash (Get-BashPublish $n) }
            Teardown = { param($n) Invoke-Bash (Get-BashTeardown $n) }
        }
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
        C  = @{
            Setup    = { param($n) Invoke-LowerBound $n setup }
            Publish  = { param($n) Invoke-LowerBound $n publish }
            Teardown = { param($n) Invoke-LowerBound $n teardown }
        }
    }

    foreach ($n in $Sizes) {
        $times = @{}
        $dumps = @{}
        foreach ($round in 1..$Rounds) {
            foreach ($name in $variants.Keys) {
                Reset-Lab
                $pristine = Get-LabDump
                $v = $variants[$name]
                $setup = Measure-Seconds { & $v.Setup $n }
                $publish = Measure-Seconds { & $v.Publish $n }
                $dumps[$name] = Get-LabDump
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
                $times["$name/setup"] += @($setup)
                $times["$name/publish"] += @($publish)
                $times["$name/teardown"] += @($teardown)
            }
        }
        foreach ($name in 'B', 'B2', 'C') {
            if ($dumps[$name] -ne $dumps['A']) {
                $diff = Compare-Object ($dumps['A'] -split "`n") ($dumps[$name] -split "`n") | Select-Object -First 6 | Out-String
                throw "N=${n}: the state after $name differs from the state after A:`n$diff"
            }
        }
        # Get-NetNamespace with all N namespaces and their addresses.
        Reset-Lab
        & $variants.C.Setup $n
        $list = foreach ($r in 1..$Rounds) { Measure-Seconds { Get-NetNamespace } }
        # Tab completion with N namespaces and N published ports: what a user waits for after pressing Tab.
        & $variants.C.Publish $n
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
        & $variants.C.Teardown $n
        foreach ($key in $times.Keys) {
            $sorted = @($times[$key] | Sort-Object)
            [pscustomobject]@{ N = $n; Measure = $key; Seconds = [math]::Round($sorted[[math]::Floor($sorted.Count / 2)], 4) }
        }
        [pscustomobject]@{ N = $n; Measure = 'Get-NetNamespace'; Seconds = [math]::Round((@($list | Sort-Object))[[math]::Floor($Rounds / 2)], 4) }
        $tab
    }

    # One object through one cmdlet against the raw commands it replaces.
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
function Measure-Start([string] $Command) {
    $samples = foreach ($r in 1..5) {
        $sw = [Diagnostics.Stopwatch]::StartNew(); & $exe @prefix -NoProfile -NonInteractive -Command $Command | Out-Null; $sw.Elapsed.TotalSeconds
    }
    (@($samples | Sort-Object))[2]
}
$bare = Measure-Start 'exit 0'
$imported = Measure-Start "Import-Module '$ModulePath'; exit 0"

$rows = [System.Collections.Generic.List[object]]::new()
$rows.AddRange(@($results | Select-Object N, Measure, Seconds))
$rows.Add([pscustomobject]@{ N = 0; Measure = 'Import-Module (over bare pwsh start)'; Seconds = [math]::Round($imported - $bare, 4) })

function Get-Time([int] $Size, [string] $Name) {
    foreach ($row in $rows) {
        if ([int]$row.N -eq $Size -and [string]$row.Measure -eq $Name) { return [double]$row.Seconds }
    }
    throw "no measurement $Name for N=$Size"
}
$ratios = foreach ($size in $N) {
    $a = Get-Time $size 'A/setup+publish'; $b = Get-Time $size 'B/setup+publish'; $b2 = Get-Time $size 'B2/setup+publish'; $c = Get-Time $size 'C/setup+publish'
    [pscustomobject]@{
        N                 = $size
        'A s'             = $a
        'B s'             = $b
        'B2 s'            = $b2
        'C s'             = $c
        'B/A'             = [math]::Round($b / $a, 3)
        'B2/A'            = [math]::Round($b2 / $a, 3)
        'B/C'             = [math]::Round($b / $c, 3)
        'teardown B/A'    = [math]::Round((Get-Time $size 'B/teardown') / (Get-Time $size 'A/teardown'), 3)
        'Get-NetNamespace s' = Get-Time $size 'Get-NetNamespace'
    }
}
$one = [math]::Round((Get-Time 1 'New-NetNamespace (one)') / (Get-Time 1 'ip netns add + lo up (one)'), 3)

Write-Host "`nMedians of $Rounds rounds (seconds); setup+publish unless noted" -ForegroundColor Cyan
$ratios | Format-Table -AutoSize | Out-String -Width 160 | Write-Host
Write-Host "One New-NetNamespace / the raw commands it replaces: $one"
Write-Host "Import-Module over a bare pwsh start: $(Get-Time 0 'Import-Module (over bare pwsh start)') s"
$rows | Sort-Object N, Measure | Format-Table -AutoSize | Out-String -Width 160 | Write-Host

New-Item -ItemType Directory -Force -Path $OutputDirectory | Out-Null
$file = Join-Path $OutputDirectory ("bench-{0:yyyyMMdd-HHmmss}.json" -f (Get-Date))
[pscustomobject]@{
    Date           = (Get-Date).ToString('o')
    Machine        = "$([Environment]::ProcessorCount) cores, $(uname -r)"
    Rounds         = $Rounds
    Ratios         = $ratios
    OneObjectRatio = $one
    Measures       = $rows
} | ConvertTo-Json -Depth 4 | Set-Content $file
Write-Host "Written to $file"
