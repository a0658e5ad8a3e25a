# Reliability 6-7: scripts run side by side (8 pwsh processes at once on one bridge) and scripts interrupted
# (Ctrl+C through PowerShell.Stop(), kill -9) leave every object whole, lose nothing and converge when re-run.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Start-ChildScript {
        # Starts a pwsh (in this sandbox) running a script file; stdout and stderr go to files next to it.
        param([Parameter(Mandatory)][string] $Path)
        $commandLine = @(Get-PwshCommandLine)
        $arguments = @($commandLine | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $Path)
        Start-Process -FilePath $commandLine[0] -ArgumentList $arguments -RedirectStandardOutput "$Path.out" -RedirectStandardError "$Path.err" -PassThru
    }

    function Get-ChildProcessId {
        # Processes whose parent is this pwsh (ip, iptables, sysctl ... a stopped cmdlet may have left running).
        foreach ($stat in Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$') {
            $text = Get-Content (Join-Path $stat.FullName 'stat') -Raw -ErrorAction SilentlyContinue
            if ($text -and $text -match '^\d+ \(.*\) \S (\d+) ' -and [int]$Matches[1] -eq $PID) { [int]$stat.Name }
        }
    }

    function Get-HalfBuilt {
        # Everything of the int* namespaces that a cmdlet left between its steps: a namespace with lo down or
        # unmarked, a veth whose ends are not both up with the host end on brint, a host end without its peer.
        param([switch] $IgnoreMark)
        $problems = [System.Collections.Generic.List[string]]::new()
        $hostLinks = @(& ip -d -j link show | ConvertFrom-Json)
        foreach ($ns in (Get-ChildItem /run/netns -Filter 'int*' -ErrorAction SilentlyContinue).Name) {
            $links = @(& ip -n $ns -d -j link show | ConvertFrom-Json)
            $lo = $links | Where-Object ifname -eq 'lo'
            if ($lo.flags -notcontains 'UP') { $problems.Add("${ns}: lo is down") }
            if (-not $IgnoreMark -and $lo.ifalias -ne 'netnsps') { $problems.Add("${ns}: not marked as NetNsPS's") }
            foreach ($veth in $links | Where-Object { $_.linkinfo.info_kind -eq 'veth' }) {
                $peer = $hostLinks | Where-Object ifindex -eq $veth.link_index
                if ($veth.flags -notcontains 'UP') { $problems.Add("$ns/$($veth.ifname): down") }
                if (-not $peer) { $problems.Add("$ns/$($veth.ifname): no host end") }
                elseif ($peer.master -ne 'brint' -or $peer.flags -notcontains 'UP') { $problems.Add("$($peer.ifname): not up on brint") }
            }
        }
        foreach ($link in $hostLinks | Where-Object { $_.ifname -like 'veth-int*' }) {
            if ($null -eq $link.link_netnsid) { $problems.Add("$($link.ifname): both ends on the host") }
        }
        $problems.ToArray()
    }
}

AfterAll {
    Write-ReliabilityTable -Title 'Side by side and interrupted'
    Remove-Item (Join-Path ([IO.Path]::GetTempPath()) "netnsps-side-by-side-$PID"), (Join-Path ([IO.Path]::GetTempPath()) "netnsps-interrupted-$PID") -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Side by side' -Tag 'Reliability' {
    BeforeAll {
        Reset-Sandbox
        $script:pristine = Get-StateDump
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) "netnsps-side-by-side-$PID"
        New-Item -ItemType Directory -Force -Path $script:dir | Out-Null
        Remove-Item (Join-Path $script:dir '*') -Force -ErrorAction SilentlyContinue

        function Invoke-EightAtOnce {
            # Writes one script per process (a body with $i), starts all 8, releases them together, waits for all.
            param([Parameter(Mandatory)][string] $Wave, [Parameter(Mandatory)][string] $Body)
            $go = Join-Path $script:dir "$Wave.go"
            $processes = foreach ($i in 1..8) {
                $path = Join-Path $script:dir "$Wave-$i.ps1"
                Set-Content -Path $path -Value @"
`$ErrorActionPreference = 'Continue'
Import-Module '$env:NETNSPS_TEST_MODULE'
`$i = $i
Set-Content -Path '$go.ready-$i' -Value ready
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 10 }
`$errors = @()
$Body
foreach (`$e in `$errors) { "ERROR `$(`$e.FullyQualifiedErrorId): `$(`$e.Exception.Message) [`$(`$e.GetType().Name)]" }
'DONE'
"@
                Start-ChildScript -Path $path
            }
            # Every child has started and imported the module (its CPU burst) before the go; then they race.
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while (@(Get-ChildItem "$go.ready-*" -ErrorAction SilentlyContinue).Count -lt 8 -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 50
            }
            Set-Content -Path $go -Value go
            $processes | Wait-Process -Timeout 180
            foreach ($i in 1..8) {
                $path = Join-Path $script:dir "$Wave-$i.ps1"
                [pscustomobject]@{
                    Index  = $i
                    Output = @(Get-Content "$path.out" -ErrorAction SilentlyContinue)
                    Error  = (Get-Content "$path.err" -Raw -ErrorAction SilentlyContinue)
                }
            }
        }

        $script:built = @(Invoke-EightAtOnce -Wave build -Body @'
New-NetBridge bridge0 -IPAddress 192.168.15.1/24 -ErrorVariable +errors | Out-Null
New-NetNamespace "c$i" -ErrorVariable +errors | Out-Null
Add-VethPair "c$i" -Bridge bridge0 -ErrorVariable +errors | Out-Null
Add-NsIPAddress "192.168.15.$(10 + $i)/24" -Namespace "c$i" -ErrorVariable +errors | Out-Null
Publish-NsPort "c$i" -InternalPort 80 -ExternalPort (8000 + $i) -ErrorVariable +errors | Out-Null
'@)
        # The module's firewall in its driver's words: iptables-save, or the nftables table (one element or rule a line).
        $script:save = if ((Get-FirewallDriverName) -eq 'nftables') { @(& nft list table inet netnsps) } else { @(& iptables-save) }
    }

    It '8 processes building at once all finish without an error' {
        Invoke-ReliabilityCase -Kind 'Concurrency' {
            foreach ($child in $script:built) {
                $child.Output | Should -Contain 'DONE' -Because "child $($child.Index) ran to the end: $($child.Error)"
                @($child.Output | Where-Object { $_ -like 'ERROR *' }) | Should -BeNullOrEmpty -Because "child $($child.Index)"
            }
        }
    }

    It 'no xtables lock failure' {
        Invoke-ReliabilityCase -Kind 'Concurrency' {
            ($script:built.Output + $script:built.Error) -join "`n" | Should -Not -Match 'xtables lock|Resource temporarily unavailable|Another app is currently holding'
        }
    }

    It 'every namespace, veth and address is there exactly once, on the one bridge' {
        Invoke-ReliabilityCase -Kind 'Concurrency' {
            (Get-NetNamespace 'c*').Name | Sort-Object | Should -Be (1..8 | ForEach-Object { "c$_" } | Sort-Object)
            $pairs = @(Get-VethPair 'c*')
            $pairs.Count | Should -Be 8
            $pairs.Bridge | Sort-Object -Unique | Should -Be 'bridge0'
            (Get-NetBridge bridge0).IPAddresses | Should -Be '192.168.15.1/24'
            @(Get-NetBridge).Count | Should -Be 1
            foreach ($i in 1..8) { (Get-NsIPAddress -Namespace "c$i" -InterfaceName "veth-c$i").IPAddress | Should -Be "192.168.15.$(10 + $i)" }
        }
    }

    It 'every published port is there exactly once, with each of its rules once and each chain and jump once' {
        Invoke-ReliabilityCase -Kind 'Concurrency' {
            $ports = @(Get-NsPort)
            $ports.Count | Should -Be 8
            $ports.ExternalPort | Sort-Object | Should -Be (8001..8008)
            foreach ($i in 1..8) {
                @($script:save | Where-Object { $_ -match "netnsps:port:tcp:0\.0\.0\.0:800${i}:c${i}:bridge0:" }).Count | Should -Be 4 -Because "port 800$i has its four rules"
            }
            @($script:save | Where-Object { $_ -match 'netnsps:localnet:bridge0"' }).Count | Should -Be 1
            @($script:save | Where-Object { $_ -match 'netnsps:localnet:bridge0:guard' }).Count | Should -Be 1
            if ((Get-FirewallDriverName) -eq 'nftables') {
                # One base chain per hook in table inet netnsps, each hooked once; no iptables rule at all.
                @($script:save | Where-Object { $_ -match '^\s*chain ' }).Count | Should -Be 5 -Because 'nat prerouting, output, postrouting, filter forward, raw prerouting'
                @($script:save | Where-Object { $_ -match 'type \w+ hook \w+ priority' }).Count | Should -Be 5 -Because 'each chain is a base chain'
                (& iptables-save) -match 'NETNSPS|netnsps' | Should -BeNullOrEmpty
            } else {
                $declared = @($script:save | Where-Object { $_ -match '^:NETNSPS-' })
                $declared.Count | Should -Be 5 -Because 'nat PREROUTING, OUTPUT, POSTROUTING, filter FORWARD, raw PREROUTING'
                $jumps = @($script:save | Where-Object { $_ -match '^-A [A-Z]+ .*-j NETNSPS-' })
                $jumps.Count | Should -Be 5 -Because 'one jump into each chain'
            }
        }
    }

    It '8 processes removing at once leave nothing behind' {
        Invoke-ReliabilityCase -Kind 'Concurrency' {
            $removed = @(Invoke-EightAtOnce -Wave remove -Body @'
Unpublish-NsPort (8000 + $i) -ErrorVariable +errors
Remove-VethPair "c$i" -ErrorVariable +errors
Remove-NetNamespace "c$i" -Confirm:$false -ErrorVariable +errors
'@)
            foreach ($child in $removed) {
                $child.Output | Should -Contain 'DONE' -Because "child $($child.Index) ran to the end: $($child.Error)"
                @($child.Output | Where-Object { $_ -like 'ERROR *' }) | Should -BeNullOrEmpty -Because "child $($child.Index)"
            }
            Get-NetNamespace 'c*' | Should -BeNullOrEmpty
            Get-NetNsPSResidue | Should -BeNullOrEmpty
            (Get-NetBridge bridge0).Ports | Should -BeNullOrEmpty
            Read-Sysctl net.ipv4.conf.bridge0.route_localnet | Should -Be '0'
            Remove-NetBridge bridge0 -Confirm:$false
            Get-StateDump | Should -Be $script:pristine
        }
    }
}

Describe 'Interrupted' -Tag 'Reliability' {
    BeforeAll {
        Reset-Sandbox
        $script:pristine = Get-StateDump
        $script:build = @'
New-NetBridge brint -IPAddress 10.50.0.1/16 | Out-Null
foreach ($i in 1..50) {
    New-NetNamespace "int$i" | Add-VethPair -Bridge brint | Add-NsIPAddress "10.50.0.$($i + 1)/16" | Out-Null
}
'@
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) "netnsps-interrupted-$PID"
        New-Item -ItemType Directory -Force -Path $script:dir | Out-Null
    }

    It 'Ctrl+C (PowerShell.Stop) after <After> namespaces stops within 2 s and leaves nothing half-built and no child process' -ForEach @(
        @{ After = 3 }, @{ After = 8 }, @{ After = 13 }, @{ After = 19 }, @{ After = 26 }
    ) {
        Invoke-ReliabilityCase -Kind 'Interruption' {
            $runspace = [runspacefactory]::CreateRunspace()
            $runspace.Open()
            $shell = [powershell]::Create()
            $shell.Runspace = $runspace
            try {
                $null = $shell.AddScript("Import-Module '$env:NETNSPS_TEST_MODULE'`n$script:build")
                $async = $shell.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (@(Get-ChildItem /run/netns -Filter 'int*').Count -lt $After -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
                    Start-Sleep -Milliseconds 5
                }
                $async.IsCompleted | Should -BeFalse -Because 'the pipeline is still running when it is stopped'
                @(Get-ChildItem /run/netns -Filter 'int*').Count | Should -BeGreaterOrEqual $After -Because 'the pipeline was making progress'
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $shell.Stop()
                $watch.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
                $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            } finally {
                $shell.Dispose()
                $runspace.Dispose()
            }
            Start-Sleep -Milliseconds 200
            @(Get-ChildProcessId) | Should -BeNullOrEmpty -Because 'a stopped cmdlet leaves no program running'
            Get-HalfBuilt | Should -BeNullOrEmpty
        }
    }

    It 'kill -9 in the middle, then a re-run converges to the full setup' {
        Invoke-ReliabilityCase -Kind 'Interruption' {
            $path = Join-Path $script:dir 'build.ps1'
            Set-Content -Path $path -Value "Import-Module '$env:NETNSPS_TEST_MODULE'`n$script:build"
            $start = @(Get-ChildItem /run/netns -Filter 'int*').Count
            $child = Start-ChildScript -Path $path
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (@(Get-ChildItem /run/netns -Filter 'int*').Count -lt $start + 8 -and -not $child.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 5
            }
            $child.HasExited | Should -BeFalse -Because 'it is killed in the middle'
            & kill -9 $child.Id
            $child.WaitForExit()
            Start-Sleep -Milliseconds 300   # a program it had started finishes on its own

            Invoke-Expression $script:build
            Get-HalfBuilt -IgnoreMark | Should -BeNullOrEmpty
            $namespaces = @(Get-NetNamespace 'int*')
            $namespaces.Count | Should -Be 50
            foreach ($i in 1..50) {
                $pair = Get-VethPair "int$i"
                $pair.Bridge | Should -Be 'brint'
                $pair.State | Should -Be 'UP'
                (Get-NsIPAddress -Namespace "int$i" -InterfaceName "veth-int$i").IPAddress | Should -Be "10.50.0.$($i + 1)"
            }
            (Get-NetBridge brint).Ports.Count | Should -Be 50
        }
    }

    It 'teardown then leaves nothing' {
        Invoke-ReliabilityCase -Kind 'Interruption' {
            Get-NetNamespace 'int*' | Remove-NetNamespace -Confirm:$false
            Remove-NetBridge brint -Confirm:$false
            Get-StateDump | Should -Be $script:pristine
        }
    }
}
