<#
.SYNOPSIS
    NetNsPS against the plain bash way of the article, in one sandbox, same machine, same run.
.DESCRIPTION
    For each N: A = the article's commands in a bash loop (one process per command), B = NetNsPS pipelines,
    B2 = NetNsPS called once per namespace in a foreach loop, F = the floor (called C before): the fewest
    processes possible, one ip -batch on the host, one ip -n NS -batch per namespace, one iptables-restore.
    B2fresh and Bfresh are B2 and B run as a script pays for them: a fresh pwsh that imports the module and
    runs the loop (or the pipelines), timed from process start to exit; their teardown likewise.
    Each builds N namespaces on one bridge (veth, address, default route), then publishes a port per
    namespace, then tears everything down. The state after every way must be equal to A's (checked in the
    first round), and every teardown must return to the pristine state.

    Per call: with H namespaces already on the host (veth on br0, address, published port each, built the
    floor way), the median of -Calls calls of Add-VethPair, Add-NsIPAddress and Publish-NsPort, each on a
    fresh namespace made beforehand, in this warm pwsh (each cmdlet warmed up once), beside the raw commands
    the same call replaces (read from its -WhatIf output), each spawned as a process. The ratio cmdlet/raw
    should not grow with H.

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
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../../out/bench')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$results = Invoke-NsSandbox -ArgumentList $N, $Rounds, $ModulePath, $HostSizes, $Calls -ScriptBlock {
    param([int[]] $Sizes, [int] $Rounds, [string] $ModulePath, [int[]] $HostSizes, [int] $Calls)
    $ErrorActionPreference = 'Stop'

    # Defined from text, so the fresh pwsh processes get exactly the same function.
    $addressFunction = 'function Address([int] $i) { "10.77.$([math]::Floor($i / 250)).$($i % 250 + 2)" }'
    . ([scriptblock]::Create($addressFunction))

    function Get-Median([double[]] $Values) { $sorted = @($Values | Sort-Object); $sorted[[math]::Floor($sorted.Count / 2)] }

    # The same pwsh as this one (and as build.ps1's Invoke-IsolatedPwsh): dotnet + pwsh.dll under `dotnet pwsh`.
    $pwshExe = [Environment]::ProcessPath
    $pwshPrefix = @(if ((Split-Path $pwshExe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    function Invoke-FreshPwsh([string] $Script) {
        $lines = & $pwshExe @pwshPrefix -NoProfile -NonInteractive -Command "`$PSStyle.OutputRendering = 'PlainText'`n$Script" 2>&1
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

    # F, the floor: the same work in as few processes as possible: one ip -batch on the host, one per namespace, one iptables-restore per table.
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

    # The port mappings B pipes to Publish-NsPort (also defined, from this text, in B's fresh pwsh).
    $portsDefinition = '$ports = { param($n) 1..$n | ForEach-Object { [pscustomobject]@{ Namespace = "ns$_"; InternalPort = 80; ExternalPort = 20000 + $_ } } }'
    . ([scriptblock]::Create($portsDefinition))
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
        F  = @{
            Setup    = { param($n) Invoke-LowerBound $n setup }
            Publish  = { param($n) Invoke-LowerBound $n publish }
            Teardown = { param($n) Invoke-LowerBound $n teardown }
        }
        # What a script pays: a fresh pwsh from start to exit, setup and publish in one process, teardown in another.
        B2fresh = @{
            Fresh    = $true
            Setup    = { param($n) Invoke-FreshPwsh (Get-FreshScript @($variants.B2.Setup, $variants.B2.Publish) $n) }
            Publish  = { param($n) }
            Teardown = { param($n) Invoke-FreshPwsh (Get-FreshScript @($variants.B2.Teardown) $n) }
        }
        Bfresh  = @{
            Fresh    = $true
            Setup    = { param($n) Invoke-FreshPwsh (Get-FreshScript @($variants.B.Setup, $variants.B.Publish) $n) }
            Publish  = { param($n) }
            Teardown = { param($n) Invoke-FreshPwsh (Get-FreshScript @($variants.B.Teardown) $n) }
        }
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
        foreach ($name in @($variants.Keys | Where-Object { $_ -ne 'A' })) {
            if ($dumps[$name] -ne $dumps['A']) {
                $diff = Compare-Object ($dumps['A'] -split "`n") ($dumps[$name] -split "`n") | Select-Object -First 6 | Out-String
                throw "N=${n}: the state after $name differs from the state after A:`n$diff"
            }
        }
        # Get-NetNamespace with all N namespaces and their addresses.
        Reset-Lab
        & $variants.F.Setup $n
        $list = foreach ($r in 1..$Rounds) { Measure-Seconds { Get-NetNamespace } }
        # Tab completion with N namespaces and N published ports: what a user waits for after pressing Tab.
        & $variants.F.Publish $n
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
        & $variants.F.Teardown $n
        foreach ($key in $times.Keys) {
            $sorted = @($times[$key] | Sort-Object)
            [pscustomobject]@{ N = $n; Measure = $key; Seconds = [math]::Round($sorted[[math]::Floor($sorted.Count / 2)], 4) }
        }
        [pscustomobject]@{ N = $n; Measure = 'Get-NetNamespace'; Seconds = [math]::Round((@($list | Sort-Object))[[math]::Floor($Rounds / 2)], 4) }
        $tab
    }

    # Per call: one cmdlet call with H namespaces already on the host, against the raw commands it replaces.
    function Invoke-Raw([string[]] $Lines) {
        foreach ($line in $Lines) {
            $words = $line -split ' '
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
        'Publish-NsPort'  = @{ Call = { param($i) Publish-NsPort "ns$i" -InternalPort 80 -ExternalPort (20000 + $i) }; Text = { param($i) "Publish-NsPort ns$i -InternalPort 80 -ExternalPort $(20000 + $i)" } }
    }
    foreach ($h in $HostSizes) {
        Reset-Lab
        # A bridge takes at most 1023 ports (the kernel's BR_MAX_PORTS is 1024, port 0 unused), and the timed calls add
        # 2 x Calls + 1 of their own: past that, the floor lab is made smaller, so that the calls end at H.
        $lab = [math]::Min($h, 1023 - (2 * $Calls + 1))
        Write-Host "  per call, H=$h (floor lab of $lab namespaces)"
        Invoke-LowerBound $lab setup
        Invoke-LowerBound $lab publish
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
            foreach ($j in 0..($Calls - 1)) {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $null = & $step.Call $cmdletNs[$j]
                $cmdletMs.Add($sw.Elapsed.TotalMilliseconds)
                $sw = [Diagnostics.Stopwatch]::StartNew()
                Invoke-Raw $raw[$j]
                $rawMs.Add($sw.Elapsed.TotalMilliseconds)
            }
            [pscustomobject]@{
                Section     = 'PerCall'
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
                throw "H=${h}: ns$i differs from the cmdlet-made ns${warm}:`n$diff"
            }
        }
        $hairpins = $lab + $extra.Count
        if ($dump -notcontains "hairpin hairpin on x$hairpins") { throw "H=${h}: expected $hairpins bridge ports with hairpin on: $(($dump -match "^hairpin" | % { "[$_]" }) -join "; ")" }
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

$perCallRows = @($results | Where-Object { $_.PSObject.Properties['Section'] })
$rows = [System.Collections.Generic.List[object]]::new()
$rows.AddRange(@($results | Where-Object { -not $_.PSObject.Properties['Section'] } | Select-Object N, Measure, Seconds))
$rows.Add([pscustomobject]@{ N = 0; Measure = 'pwsh start (bare)'; Seconds = [math]::Round($bare, 4) })
$rows.Add([pscustomobject]@{ N = 0; Measure = 'Import-Module (over bare pwsh start)'; Seconds = [math]::Round($imported - $bare, 4) })

function Get-Time([int] $Size, [string] $Name) {
    foreach ($row in $rows) {
        if ([int]$row.N -eq $Size -and [string]$row.Measure -eq $Name) { return [double]$row.Seconds }
    }
    throw "no measurement $Name for N=$Size"
}
function Get-Ratio([double] $Numerator, [double] $Denominator) { if ($Denominator -gt 0) { [math]::Round($Numerator / $Denominator, 3) } else { $null } }
$ratios = foreach ($size in $N) {
    $a = Get-Time $size 'A/setup+publish'; $b = Get-Time $size 'B/setup+publish'; $b2 = Get-Time $size 'B2/setup+publish'; $f = Get-Time $size 'F/setup+publish'
    [pscustomobject]@{
        N                 = $size
        'A s'             = $a
        'B s'             = $b
        'B2 s'            = $b2
        'F s'             = $f
        'B/A'             = Get-Ratio $b $a
        'B2/A'            = Get-Ratio $b2 $a
        'B/F'             = Get-Ratio $b $f
        'B2/F'            = Get-Ratio $b2 $f
        'teardown B/A'    = Get-Ratio (Get-Time $size 'B/teardown') (Get-Time $size 'A/teardown')
        'Get-NetNamespace s' = Get-Time $size 'Get-NetNamespace'
    }
}
# The loop lab as a script pays for it (fresh pwsh, start to exit) against the floor; its teardown against bash's.
$fresh = foreach ($size in $N) {
    $f = Get-Time $size 'F/setup+publish'; $b2f = Get-Time $size 'B2fresh/setup+publish'; $bf = Get-Time $size 'Bfresh/setup+publish'
    $ta = Get-Time $size 'A/teardown'; $tb2f = Get-Time $size 'B2fresh/teardown'; $tbf = Get-Time $size 'Bfresh/teardown'
    [pscustomobject]@{
        N                    = $size
        'F s'                = $f
        'B2fresh s'          = $b2f
        'Bfresh s'           = $bf
        'B2fresh/F'          = Get-Ratio $b2f $f
        'Bfresh/F'           = Get-Ratio $bf $f
        'teardown A s'       = $ta
        'teardown B2fresh s' = $tb2f
        'teardown Bfresh s'  = $tbf
        'td B2fresh/A'       = Get-Ratio $tb2f $ta
        'td Bfresh/A'        = Get-Ratio $tbf $ta
    }
}
# Per call: one row per cmdlet, the columns of each H side by side, and how much the ratio grew from the first H to the last.
$hostSizes = @($HostSizes)
$perCall = foreach ($cmdlet in @($perCallRows.Cmdlet | Select-Object -Unique)) {
    $row = [ordered]@{ Cmdlet = $cmdlet; 'raw cmds' = ($perCallRows | Where-Object Cmdlet -eq $cmdlet | Select-Object -First 1).RawCommands }
    foreach ($h in $hostSizes) {
        $r = $perCallRows | Where-Object { $_.Cmdlet -eq $cmdlet -and [int]$_.H -eq $h }
        $row["ms@$h"] = [double]$r.CmdletMs
        $row["raw ms@$h"] = [double]$r.RawMs
        $row["ratio@$h"] = Get-Ratio $r.CmdletMs $r.RawMs
    }
    $first = $row["ratio@$($hostSizes[0])"]; $last = $row["ratio@$($hostSizes[-1])"]
    $row["growth $($hostSizes[-1])/$($hostSizes[0])"] = if ($hostSizes.Count -gt 1) { Get-Ratio $last $first } else { $null }
    [pscustomobject]$row
}
$one = Get-Ratio (Get-Time 1 'New-NetNamespace (one)') (Get-Time 1 'ip netns add + lo up (one)')

Write-Host "`nA = bash loop of the article's commands, B = NetNsPS pipelines, B2 = NetNsPS once per namespace in a foreach loop (both in this warm pwsh)," -ForegroundColor Cyan
Write-Host "F = the floor (was called C): ip -batch on the host, one ip -n NS -batch per namespace, one iptables-restore." -ForegroundColor Cyan
Write-Host "Medians of $Rounds rounds (seconds); setup+publish unless noted" -ForegroundColor Cyan
$ratios | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
Write-Host "Loop lab in a fresh pwsh (start to exit: what a script pays) against the floor; teardown (Unpublish + Remove per namespace) against A's. Targets: B2fresh/F <= 3, td B2fresh/A <= 1" -ForegroundColor Cyan
$fresh | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
Write-Host "Per call, in a warm pwsh, with H namespaces (veth, address, published port) already on the host: median ms of $Calls calls, each on a fresh namespace," -ForegroundColor Cyan
Write-Host "beside the raw commands the call replaces (its -WhatIf lines, each spawned as a process). Target: growth of the ratio <= 1.5" -ForegroundColor Cyan
$perCall | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
foreach ($cmdlet in @($perCallRows.Cmdlet | Select-Object -Unique)) {
    Write-Host "  $cmdlet replaces: $((($perCallRows | Where-Object Cmdlet -eq $cmdlet | Select-Object -First 1).Raw) -join ' ; ')"
}
Write-Host "One New-NetNamespace / the raw commands it replaces: $one"
Write-Host "pwsh start (bare): $(Get-Time 0 'pwsh start (bare)') s; Import-Module over a bare pwsh start: $(Get-Time 0 'Import-Module (over bare pwsh start)') s"
$rows | Sort-Object N, Measure | Format-Table -AutoSize | Out-String -Width 160 | Write-Host

New-Item -ItemType Directory -Force -Path $OutputDirectory | Out-Null
$file = Join-Path $OutputDirectory ("bench-{0:yyyyMMdd-HHmmss}.json" -f (Get-Date))
[pscustomobject]@{
    Date           = (Get-Date).ToString('o')
    Machine        = "$([Environment]::ProcessorCount) cores, $(uname -r)"
    Rounds         = $Rounds
    Calls          = $Calls
    Legend         = 'A bash loop; B pipelines; B2 foreach loop (warm pwsh); F floor (formerly C); B2fresh/Bfresh = B2/B in a fresh pwsh, start to exit'
    Ratios         = $ratios
    FreshLoop      = $fresh
    PerCall        = $perCall
    PerCallSamples = @($perCallRows | Select-Object H, Lab, Cmdlet, CmdletMs, RawMs, RawCommands, Raw)
    OneObjectRatio = $one
    Measures       = $rows
} | ConvertTo-Json -Depth 4 | Set-Content $file
Write-Host "Written to $file"
