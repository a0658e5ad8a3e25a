<#
.SYNOPSIS
    The article's setup in dual stack (IPv4 and IPv6), built with NetNsPS inside a throwaway sandbox, with a
    reachability table.
.DESCRIPTION
    Run by `build.ps1 Demo`. Everything happens inside Invoke-NsSandbox: the host's own network is untouched.
#>
param([Parameter(Mandatory)][string] $ModulePath)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

Invoke-NsSandbox {
    $ErrorActionPreference = 'Stop'

    # The sandbox's console has no width of its own: print tables at 120 columns.
    function Show { $input | Format-Table | Out-String -Width 120 | Write-Host }

    function Test-Reach([string] $From, [string] $Target) {
        # Real traffic with iputils ping, not NetNsPS's own code.
        if ($From -eq 'host') { & ping -c 1 -W 1 $Target *> $null } else { & ip netns exec $From ping -c 1 -W 1 $Target *> $null }
        if ($LASTEXITCODE -eq 0) { 'yes' } else { 'no' }
    }

    Write-Host "`n== Set up the environment ==" -ForegroundColor Cyan
    Write-Host 'Preview with -WhatIf (the raw commands, nothing changed):'
    New-NetNamespace red, blue -WhatIf
    $namespaces = New-NetNamespace red, blue
    $bridge = New-NetBridge bridge0
    $pairs = 'red', 'blue' | Add-VethPair -Bridge bridge0
    $namespaces | Show
    $pairs | Show

    Write-Host '== Network namespaces communication ==' -ForegroundColor Cyan
    $addresses = @(
        Get-VethPair red | Add-NsIPAddress 192.168.15.2/24
        Get-VethPair blue | Add-NsIPAddress 192.168.15.3/24
        # Dual stack: IPv6 beside IPv4 (nodad: usable at once, as Docker and netavark add theirs).
        Get-VethPair red | Add-NsIPAddress 2001:db8:15::2/64
        Get-VethPair blue | Add-NsIPAddress 2001:db8:15::3/64
    )
    $addresses | Show
    Write-Host 'The route the kernel added by itself in red:'
    Get-NsRoute -Namespace red | Show

    Write-Host '== Network namespaces and host communication ==' -ForegroundColor Cyan
    Get-NetBridge bridge0 | Add-NsIPAddress 192.168.15.1/24 | Out-Null
    Get-NetBridge bridge0 | Add-NsIPAddress 2001:db8:15::1/64 | Out-Null
    Get-NetBridge bridge0 | Show

    Write-Host '== Access the Internet (a namespace "wan" plays it: 198.51.100.1, 2001:db8:100::1) ==' -ForegroundColor Cyan
    # The internet, simulated inside the sandbox with plain ip commands.
    & ip netns add wan
    & ip link add veth-wan type veth peer name veth-wan-h
    & ip link set veth-wan netns wan
    & ip -n wan addr add 198.51.100.1/24 dev veth-wan
    & ip -n wan link set veth-wan up
    & ip addr add 198.51.100.2/24 dev veth-wan-h
    & ip link set veth-wan-h up
    & ip -n wan route add default via 198.51.100.2
    & ip -n wan addr add 2001:db8:100::1/64 dev veth-wan nodad
    & ip addr add 2001:db8:100::2/64 dev veth-wan-h nodad
    'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1; Add-NsRoute -Namespace $_ -NextHop 2001:db8:15::1 } | Show
    Get-NetBridge bridge0 | Enable-NsMasquerade | Show
    Enable-IpForward -AddressFamily IPv4, IPv6 | Show

    Write-Host '== Publish a port: red:80 as the host''s 8080 ==' -ForegroundColor Cyan
    $www = Join-Path ([IO.Path]::GetTempPath()) 'netnsps-demo-www'
    New-Item -ItemType Directory -Force $www | Out-Null
    Set-Content (Join-Path $www 'index.html') 'hello from red'
    # Bound to '::', http.server answers on IPv4 and IPv6.
    $server = Start-Process ip -ArgumentList 'netns', 'exec', 'red', 'python3', '-m', 'http.server', '80', '--bind', '::', '--directory', $www `
        -RedirectStandardOutput /tmp/netnsps-demo.out -RedirectStandardError /tmp/netnsps-demo.err -PassThru
    foreach ($i in 1..50) { & ip netns exec red curl -s -m 1 -o /dev/null http://127.0.0.1/; if ($LASTEXITCODE -eq 0) { break }; Start-Sleep -Milliseconds 100 }
    Write-Host 'Preview with -WhatIf (one call publishes both families of a dual-stack namespace):'
    Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WhatIf -WarningAction SilentlyContinue
    Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningVariable notes -WarningAction SilentlyContinue | Show
    $notes | ForEach-Object { Write-Host "Note: $_" -ForegroundColor Yellow }

    function Get-Page([string] $From, [string] $Url) {
        # Real traffic with curl, not NetNsPS's own code.
        $page = if ($From -eq 'host') { & curl -s -m 2 $Url } else { & ip netns exec $From curl -s -m 2 $Url }
        if ($LASTEXITCODE -eq 0 -and "$page".Trim() -eq 'hello from red') { 'yes' } else { 'no' }
    }

    Write-Host '== Who reaches whom (ping and curl through ip netns exec) ==' -ForegroundColor Cyan
    $table = @(
        foreach ($pair in @(
                @('red', '192.168.15.3', 'red -> blue'),
                @('blue', '192.168.15.2', 'blue -> red'),
                @('host', '192.168.15.2', 'host -> red'),
                @('red', '192.168.15.1', 'red -> host (bridge0)'),
                @('red', '198.51.100.1', 'red -> internet (masquerade)'),
                @('red', '2001:db8:15::3', 'red -> blue (IPv6)'),
                @('host', '2001:db8:15::2', 'host -> red (IPv6)'),
                @('red', '2001:db8:100::1', 'red -> internet (IPv6, masquerade)'))) {
            [pscustomobject]@{ Path = $pair[2]; From = $pair[0]; Target = $pair[1]; Reachable = Test-Reach $pair[0] $pair[1] }
        }
        foreach ($way in @(
                @('wan', 'http://198.51.100.2:8080/', 'port 8080 from another machine'),
                @('host', 'http://localhost:8080/', 'port 8080 from localhost'),
                @('blue', 'http://192.168.15.1:8080/', 'port 8080 from sibling blue'),
                @('red', 'http://192.168.15.1:8080/', 'port 8080 from red itself (hairpin)'),
                @('wan', 'http://[2001:db8:100::2]:8080/', 'IPv6 port 8080 from another machine'),
                @('host', 'http://[2001:db8:15::1]:8080/', 'IPv6 port 8080 from the host''s address'),
                @('blue', 'http://[2001:db8:15::1]:8080/', 'IPv6 port 8080 from sibling blue'),
                @('red', 'http://[2001:db8:15::1]:8080/', 'IPv6 port 8080 from red (hairpin)'))) {
            [pscustomobject]@{ Path = $way[2]; From = $way[0]; Target = $way[1]; Reachable = Get-Page $way[0] $way[1] }
        }
    )
    $table | Show
    Stop-Process -Id $server.Id
    $table
} | Where-Object Reachable -ne 'yes' | ForEach-Object { throw "Demo: $($_.Path) is not reachable" }
Write-Host 'Sandbox gone; the host network was never touched.' -ForegroundColor Green
