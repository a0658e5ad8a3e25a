# Network labs from a file: Deploy-NsLab, Get-NsLab, Remove-NsLab, Export-NsLab, Show-NsLab, with real traffic.
# The chain lab (Lab/chain.psd1): h1 - br1 - r1 - r2 - r3 - br2 - h2, routers forwarding; web on br1 publishes 80 as 8080.
BeforeDiscovery {
    # Whether this kernel has netem (CONFIG_NET_SCH_NETEM): tried on lo of a namespace of our own, then removed.
    & ip netns add netem-probe
    & tc -n netem-probe qdisc add dev lo root netem delay 1ms *> $null
    $hasNetem = $LASTEXITCODE -eq 0
    & ip netns delete netem-probe
}

BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Get-LabDump {
        # The configuration of the lab's objects without what the kernel picks anew each time (ifindex, MACs, link-local
        # IPv6): interface names, kinds, masters, IPv4 addresses, routes, forwarding; and the firewall.
        $parts = [System.Collections.Generic.List[string]]::new()
        $namespaces = @(Get-ChildItem /run/netns -ErrorAction SilentlyContinue | ForEach-Object Name | Sort-Object)
        $parts.Add("netns: $($namespaces -join ',')")
        foreach ($ns in @($null) + $namespaces) {
            $prefix = if ($ns) { @('-n', $ns) } else { @() }
            $links = & ip @prefix -d -j addr show | ConvertFrom-Json | Sort-Object ifname | ForEach-Object {
                $v4 = @($_.addr_info | Where-Object family -eq 'inet' | ForEach-Object { "$($_.local)/$($_.prefixlen)" }) -join ','
                "$($_.ifname)|$($_.linkinfo.info_kind)|$($_.master)|$(@($_.flags) -contains 'UP')|${v4}|$($_.ifalias)"
            }
            $parts.Add("[$ns] links " + ($links -join ' '))
            $parts.Add("[$ns] routes " + ((& ip @prefix -4 route show | Sort-Object) -join '; '))
            $forward = if ($ns) { & ip netns exec $ns cat /proc/sys/net/ipv4/ip_forward } else { Get-Content /proc/sys/net/ipv4/ip_forward }
            $parts.Add("[$ns] ip_forward=$forward")
        }
        $parts.Add((Get-FirewallDump))
        $parts -join "`n"
    }

    function Reset-LabSandbox {
        # An empty sandbox with br_netfilter on: publishing a port loads it, and no removal unloads it (as after
        # Unpublish-NsPort), so the pristine dump is then the state a removed lab leaves behind.
        Reset-Sandbox
        & modprobe br_netfilter 2>$null
        & sysctl -q -w net.bridge.bridge-nf-call-iptables=1 | Out-Null
    }

    $script:chain = Join-Path $PSScriptRoot 'Lab/chain.psd1'
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "netnsps-lab-$PID"
    New-Item -ItemType Directory -Force -Path $script:work | Out-Null
}

AfterAll {
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'A chain of routers from a .psd1' {
    BeforeAll {
        Reset-LabSandbox
        New-Wan
        & ip -n wan route add default via 198.51.100.2
        $script:pristine = Get-StateDump
        $script:pristineFirewall = Get-FirewallDump
    }
    AfterAll {
        if ($script:web) { Stop-Process -Id $script:web.Id -ErrorAction SilentlyContinue }
    }

    It '-WhatIf prints every raw command and changes nothing' {
        $text = (Invoke-ChildPwsh "Deploy-NsLab '$script:chain' -WhatIf") -join "`n"
        $text | Should -Match 'ip netns add r2'
        $text | Should -Match 'ip link add eth-r2 netns r1 type veth peer name eth-r1 netns r2'
        $text | Should -Match 'ip netns exec r1 sysctl -w net.ipv4.ip_forward=1'
        $text | Should -Match 'ip -n r1 route add 10.0.2.0/24 via 10.0.12.2'
        Get-StateDump | Should -Be $script:pristine
    }

    It 'deploys, and emits the lab as Deployed' {
        $lab = Deploy-NsLab $script:chain
        $lab.Name | Should -Be 'chain'
        $lab.State | Should -Be 'Deployed'
        $lab.Namespaces | Should -Be @('h1', 'web', 'r1', 'r2', 'r3', 'h2')
        $lab.Bridges | Should -Be @('br1', 'br2')
        $lab.Links | Should -Be @('r1:eth-r2-r2:eth-r1', 'r2:eth-r3-r3:eth-r2')
        $lab.Ports | Should -Be @('tcp/8080->web:80')
        Test-Path /run/netnsps/labs/chain.json | Should -BeTrue
        (& ip -n r2 -br link show lo) | Should -Not -BeNullOrEmpty
        (& ip -n r2 -d -j link show lo | ConvertFrom-Json).ifalias | Should -Be 'netnsps:lab=chain'
    }

    It 'each end pings the other through the three routers' {
        Test-Ping -Namespace h1 -Target 10.0.2.2 | Should -BeTrue
        Test-Ping -Namespace h2 -Target 10.0.1.2 | Should -BeTrue
        (& ip netns exec h1 ping -c 1 -W 1 -t 64 10.0.2.2) -join "`n" | Should -Match 'ttl=61' -Because 'three routers each take one from the TTL'
    }

    It 'the published port works from the wan' {
        $script:web = Start-NsWebServer -Namespace web -Port 80
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/' | Should -Be 'hello from web'
    }

    It 'redeploying runs no command and changes nothing' {
        $before = Get-StateDump
        $verbose = Deploy-NsLab $script:chain -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Be @("Lab 'chain': 0 commands run.")
        Get-StateDump | Should -Be $before
        Invoke-ChildPwsh "Deploy-NsLab '$script:chain' -WhatIf" | Where-Object { $_ -like 'What if: *' } | Should -BeNullOrEmpty
    }

    It 'Get-NsLab shows Deployed, and Drifted after a change by hand' {
        (Get-NsLab chain).State | Should -Be 'Deployed'
        & ip -n r2 route del 10.0.1.0/24
        $lab = Get-NsLab chain
        $lab.State | Should -Be 'Drifted'
        $lab.Drift | Should -Contain "route to 10.0.1.0/24 in namespace 'r2'"
        Deploy-NsLab $script:chain | ForEach-Object State | Should -Be 'Deployed'
        Test-Ping -Namespace h1 -Target 10.0.2.2 | Should -BeTrue
    }

    It 'Export-NsLab writes the live state as a lab file' {
        $script:exported = Join-Path $script:work 'exported.psd1'
        Export-NsLab chain -Path $script:exported | Should -BeOfType [System.IO.FileInfo]
        $data = Import-PowerShellDataFile $script:exported
        $data.Name | Should -Be 'chain'
        @($data.Namespaces).Count | Should -Be 6
        @($data.Links).Count | Should -Be 2
        $script:deployedDump = Get-LabDump
    }

    It 'editing the file (drop a link, change an address) and redeploying converges' {
        $edited = Join-Path $script:work 'edited.psd1'
        # The link r2-r3 goes with the routes through it; h1 moves to 10.0.1.12.
        (Get-Content $script:chain -Raw) -replace "(?m)^.*('r2:eth-r3'|NextHop = '10\.0\.23\.\d').*\r?\n", '' -replace "10\.0\.1\.2/24", '10.0.1.12/24' |
            Set-Content $edited
        $lab = Deploy-NsLab $edited
        $lab.Links | Should -Be @('r1:eth-r2-r2:eth-r1')
        & ip -n r2 link show eth-r3 2>$null | Should -BeNullOrEmpty
        & ip -n r3 link show eth-r2 2>$null | Should -BeNullOrEmpty
        (& ip -n h1 -4 -br addr show eth0) | Should -Match '10\.0\.1\.12/24'
        (& ip -n h1 -4 -br addr show eth0) | Should -Not -Match '10\.0\.1\.2/24'
        Test-Ping -Namespace h1 -Target 10.0.1.1 | Should -BeTrue
        Test-Ping -Namespace h1 -Target 10.0.2.2 | Should -BeFalse -Because 'the link r2-r3 is gone'
        Invoke-ChildPwsh "Deploy-NsLab '$edited' -WhatIf" | Where-Object { $_ -like 'What if: *' } | Should -BeNullOrEmpty
        # And back to the original file.
        Deploy-NsLab $script:chain | ForEach-Object State | Should -Be 'Deployed'
        Test-Ping -Namespace h1 -Target 10.0.2.2 | Should -BeTrue
    }

    It 'a 20 ms Delay on the link r1-r2 makes the round trip at least 20 ms; dropping it brings it back' -Skip:(-not $hasNetem) {
        function Get-Rtt([string] $Namespace, [string] $Target) {
            # The smallest round trip of a few pings, in ms (iputils: "rtt min/avg/max/mdev = 0.041/0.052/0.067/0.009 ms").
            $line = (& ip netns exec $Namespace ping -c 4 -i 0.2 -W 2 $Target 2>&1) -match '^rtt min/avg/max/mdev = '
            [double]::Parse((($line -split '= ')[1] -split '/')[0], [cultureinfo]::InvariantCulture)
        }
        Get-Rtt h1 10.0.2.2 | Should -BeLessThan 10
        $delayed = Join-Path $script:work 'delayed.psd1'
        Deploy-NsLab $delayed | ForEach-Object State | Should -Be 'Deployed'
        (& tc -j -n r1 qdisc show dev eth-r2 | ConvertFrom-Json).kind | Should -Be 'netem'
        Get-Rtt h1 10.0.2.2 | Should -BeGreaterOrEqual 20
        Export-NsLab chain | Should -Match "Delay = '20ms'"
        Deploy-NsLab $script:chain | ForEach-Object State | Should -Be 'Deployed'
        (& tc -j -n r1 qdisc show dev eth-r2 | ConvertFrom-Json).kind | Should -Not -Be 'netem'
        Get-Rtt h1 10.0.2.2 | Should -BeLessThan 10
    }

    It '-WhatIf prints the tc line of a Delay on both ends of the link' {
        $delayed = Join-Path $script:work 'delayed.psd1'
        (Get-Content $script:chain -Raw) -replace "IPAddress = '10\.0\.12\.1/30', '10\.0\.12\.2/30'", "`$0; Delay = '20ms'; Loss = '1%'" | Set-Content $delayed
        $whatIf = @(Invoke-ChildPwsh "Deploy-NsLab '$delayed' -WhatIf" | Where-Object { $_ -like 'What if: *' })
        $whatIf | Should -Be @('What if: tc -n r1 qdisc replace dev eth-r2 root netem delay 20ms loss 1%', 'What if: tc -n r2 qdisc replace dev eth-r1 root netem delay 20ms loss 1%')
    }

    It 'without netem in the kernel, a Delay fails the deploy and it is rolled back whole' -Skip:$hasNetem {
        $before = Get-StateDump
        $delayed = Join-Path $script:work 'delayed.psd1'
        $e = { Deploy-NsLab $delayed -ErrorAction Stop } | Should -Throw -PassThru
        $e.Exception.Message | Should -Match 'tc -n r1 qdisc replace dev eth-r2 root netem'
        Get-StateDump | Should -Be $before
        (Get-NsLab chain).State | Should -Be 'Deployed'
    }

    It 'Remove-NsLab (piped from Get-NsLab) gives back the pristine state' {
        Stop-Process -Id $script:web.Id -ErrorAction SilentlyContinue
        $script:web = $null
        Get-NsLab chain | Remove-NsLab
        Get-NsLab | Should -BeNullOrEmpty
        Test-Path /run/netnsps/labs/chain.json | Should -BeFalse
        $after = Get-StateDump
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
        Get-FirewallDump | Should -Be $script:pristineFirewall
    }

    It 'the exported file deployed afresh gives the same state' {
        Deploy-NsLab $script:exported | ForEach-Object State | Should -Be 'Deployed'
        Get-LabDump | Should -Be $script:deployedDump
        Remove-NsLab chain
        Get-StateDump | Should -Be $script:pristine
    }
}

Describe 'The same chain from a containerlab topology' {
    BeforeAll {
        Reset-LabSandbox
        $script:pristine = Get-StateDump
        $script:clab = Join-Path $PSScriptRoot 'Lab/chain.clab.yml'
    }

    It '-WhatIf prints the exec lines as ip netns exec commands' {
        $out = Invoke-ChildPwsh "Deploy-NsLab '$script:clab' -WhatIf"
        $out | Should -Contain 'What if: ip netns exec r2 ip route add 10.0.2.0/24 via 10.0.23.2'
        $out | Should -Contain 'What if: ip netns exec r1 sysctl -w net.ipv4.ip_forward=1'
        Get-StateDump | Should -Be $script:pristine
    }

    It 'deploys plain namespaces, warns once about images and about what it ignores' {
        $warnings = $null
        $lab = Deploy-NsLab $script:clab -WarningVariable warnings
        $lab.Name | Should -Be 'clabchain'
        $lab.State | Should -Be 'Deployed'
        $lab.Bridges | Should -Be @('br1', 'br2')
        $lab.Links | Should -Be @('r1:eth2-r2:eth1', 'r2:eth2-r3:eth1')
        @($warnings | Where-Object { "$_" -match 'kind and image are ignored' }).Count | Should -Be 1
        "$warnings" | Should -Match "key 'mgmt' is not supported"
        "$warnings" | Should -Match "topology.nodes.h2: key 'ports' is not supported"
        (& ip -br link show h1-br1) | Should -Match 'h1-br1'
        (& ip -d -j link show h1-br1 | ConvertFrom-Json).master | Should -Be 'br1'
    }

    It 'the exec lines ran in order: the ends ping each other through the routers' {
        (& ip -n r2 -4 -br addr show eth2) | Should -Match '10\.0\.23\.1/30'
        & ip netns exec r2 cat /proc/sys/net/ipv4/ip_forward | Should -Be '1'
        Test-Ping -Namespace h1 -Target 10.0.2.2 | Should -BeTrue
        Test-Ping -Namespace h2 -Target 10.0.1.2 | Should -BeTrue
    }

    It 'redeploying runs nothing, not even the exec lines' {
        $verbose = Deploy-NsLab $script:clab -Verbose 4>&1 3>$null | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Be @("Lab 'clabchain': 0 commands run.")
    }

    It 'Remove-NsLab gives back the pristine state' {
        Remove-NsLab clabchain
        Get-StateDump | Should -Be $script:pristine
    }
}

Describe 'A bad lab file' {
    BeforeAll {
        Reset-Sandbox
        $script:pristine = Get-StateDump
    }

    It 'names the key path and the value, and changes nothing' {
        $bad = Join-Path $script:work 'bad.psd1'
        (Get-Content $script:chain -Raw) -replace '10\.0\.2\.2/24', '10.0.0.300/24' | Set-Content $bad
        $e = { Deploy-NsLab $bad -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidLabFile,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.Message | Should -Match "Namespaces\[5\]\.IPAddress: '10\.0\.0\.300/24' is not a valid IP address"
        Get-StateDump | Should -Be $script:pristine
    }

    It 'warns about an unknown key' {
        $odd = Join-Path $script:work 'odd.psd1'
        "@{ Name = 'odd'; Colour = 'blue'; Namespaces = @( @{ Name = 'o1' } ) }" | Set-Content $odd
        $warnings = Deploy-NsLab $odd -WhatIf 3>&1 6>$null | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
        "$warnings" | Should -Match "unknown key 'Colour' was ignored"
    }

    It 'refuses a second lab that names the first one''s namespaces' {
        $odd = Join-Path $script:work 'odd.psd1'
        $other = Join-Path $script:work 'other.psd1'
        "@{ Name = 'other'; Namespaces = @( @{ Name = 'o1' } ) }" | Set-Content $other
        Deploy-NsLab $odd -WarningAction SilentlyContinue | Out-Null
        $e = { Deploy-NsLab $other -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'LabConflict,*'
        $e.Exception.Message | Should -Match "Lab 'odd' owns o1 already"
        Remove-NsLab odd
        Get-StateDump | Should -Be $script:pristine
    }

    It 'a failure half way rolls the whole deploy back' {
        $env:NETNSPS_TEST_FAIL_STEP = '3'
        try {
            { Deploy-NsLab $script:chain -ErrorAction Stop } | Should -Throw
        } finally {
            Remove-Item Env:NETNSPS_TEST_FAIL_STEP
        }
        Get-StateDump | Should -Be $script:pristine
        Test-Path /run/netnsps/labs/chain.json | Should -BeFalse
    }
}

Describe 'Clear-NetNsPS and labs' {
    BeforeAll {
        Reset-LabSandbox
        $script:pristine = Get-StateDump
    }

    It 'removes the lab''s objects (marked netnsps:lab=NAME) and forgets the lab' {
        Deploy-NsLab $script:chain | Out-Null
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        & sysctl -q -w net.ipv4.ip_forward=0 | Out-Null   # Clear-NetNsPS leaves the host's forwarding, by design
        Get-NsLab | Should -BeNullOrEmpty
        Get-StateDump | Should -Be $script:pristine
    }
}

Describe 'Show-NsLab' {
    It 'writes Mermaid and DOT naming namespaces, bridges, interfaces, addresses and ports' {
        $mermaid = Show-NsLab $script:chain
        $mermaid | Should -Match 'flowchart LR'
        $dot = Show-NsLab $script:chain -Format Dot
        $dot | Should -Match '^graph "lab chain"'
        foreach ($text in $mermaid, $dot) {
            foreach ($part in 'bridge br1', 'r2 \(router\)', 'eth-r2 10\.0\.12\.1/30', 'veth-h1', 'tcp/8080 on the host', '10\.0\.1\.3:80') {
                $text | Should -Match $part
            }
        }
    }

    It 'writes an SVG through dot when Graphviz is installed, or says which package is missing' {
        $svg = Join-Path $script:work 'chain.svg'
        if (Get-Command dot -ErrorAction SilentlyContinue) {
            Show-NsLab $script:chain -OutFile $svg | Should -BeOfType [System.IO.FileInfo]
            (Get-Content $svg -Raw) | Should -Match '<svg'
            (Get-Content $svg -Raw) | Should -Match 'eth&#45;r2 10\.0\.12\.1/30|eth-r2 10\.0\.12\.1/30'
        } else {
            $e = { Show-NsLab $script:chain -OutFile $svg -ErrorAction Stop } | Should -Throw -PassThru
            $e.Exception.Message | Should -Match 'apt-get install graphviz'
        }
    }
}
