<#
.SYNOPSIS
    The article's setup, built with NetNsPS inside a throwaway sandbox, with a reachability table.
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
    )
    $addresses | Show
    Write-Host 'The route the kernel added by itself in red:'
    Get-NsRoute -Namespace red | Show

    Write-Host '== Network namespaces and host communication ==' -ForegroundColor Cyan
    Get-NetBridge bridge0 | Add-NsIPAddress 192.168.15.1/24 | Out-Null
    Get-NetBridge bridge0 | Show

    Write-Host '== Who reaches whom (ping through ip netns exec) ==' -ForegroundColor Cyan
    $table = foreach ($pair in @(
            @('red', '192.168.15.3', 'red -> blue'),
            @('blue', '192.168.15.2', 'blue -> red'),
            @('host', '192.168.15.2', 'host -> red'),
            @('red', '192.168.15.1', 'red -> host (bridge0)'))) {
        [pscustomobject]@{ Path = $pair[2]; From = $pair[0]; Target = $pair[1]; Reachable = Test-Reach $pair[0] $pair[1] }
    }
    $table | Show
    $table
} | Where-Object Reachable -ne 'yes' | ForEach-Object { throw "Demo: $($_.Path) is not reachable" }
Write-Host 'Sandbox gone; the host network was never touched.' -ForegroundColor Green
