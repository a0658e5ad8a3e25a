# Point-to-point links, router namespaces and link impairment (issue 14): a chain r1 - r2 - r3 of links with
# addresses, r2 forwarding, routes in r1 and r3, r1 pinging r3 through r2; re-runs that change nothing; -WhatIf
# that prints the exact commands; netem delay measured with ping; bad input; a teardown that leaves nothing.
# Barely touches the firewall, so it runs the same under both drivers.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Get-LinkDump {
        # Get-StateDump, plus what it does not read and these cmdlets change: each namespace's ip_forward and root qdiscs.
        $parts = @(Get-StateDump)
        foreach ($ns in @(Get-ChildItem /run/netns -ErrorAction SilentlyContinue | ForEach-Object Name | Sort-Object)) {
            $parts += "[$ns] ip_forward=$(& ip netns exec $ns cat /proc/sys/net/ipv4/ip_forward)"
            $parts += "[$ns] qdisc " + (Format-Json (& tc -j -n $ns qdisc show 2>&1))
        }
        $parts -join "`n"
    }

    function Get-PingRtt {
        # The smallest round trip of a few pings (iputils: "rtt min/avg/max/mdev = 0.041/0.052/0.067/0.009 ms"), in ms.
        param([string] $Namespace, [string] $Target)
        $out = & ip netns exec $Namespace ping -c 4 -i 0.2 -W 2 $Target 2>&1
        $line = $out | Where-Object { $_ -match '^rtt min/avg/max/mdev = ([\d.]+)/' }
        if (-not $line) { throw "no rtt in: $($out -join "`n")" }
        [double]::Parse($Matches[1], [cultureinfo]::InvariantCulture)
    }

    function New-Chain {
        # The lab: three namespaces in a row, two /30 links, r2 routing, a route each way.
        New-NetNamespace r1, r2, r3 | Out-Null
        Add-NsLink r1 r2 -IPAddress 10.0.12.1/30 -PeerIPAddress 10.0.12.2/30 | Out-Null
        Add-NsLink r2 r3 -IPAddress 10.0.23.1/30 -PeerIPAddress 10.0.23.2/30 | Out-Null
        Enable-IpForward -Namespace r2 | Out-Null
        Add-NsRoute -Namespace r1 -DestinationPrefix 10.0.23.0/30 -NextHop 10.0.12.2 | Out-Null
        Add-NsRoute -Namespace r3 -DestinationPrefix 10.0.12.0/30 -NextHop 10.0.23.1 | Out-Null
    }

    # Whether this kernel has netem (CONFIG_NET_SCH_NETEM): tried on lo of a namespace of our own, then removed.
    & ip netns add netem-probe
    & tc -n netem-probe qdisc add dev lo root netem delay 1ms *> $null
    $script:hasNetem = $LASTEXITCODE -eq 0
    & ip netns delete netem-probe
}

Describe 'A chain of routers r1 - r2 - r3' {
    BeforeAll {
        Reset-Sandbox
        $script:pristine = Get-LinkDump
    }

    It '-WhatIf prints exactly the commands of the whole lab and changes nothing' {
        $out = Invoke-ChildPwsh @'
New-NetNamespace r1, r2, r3 -WhatIf | Out-Null
Add-NsLink r1 r2 -IPAddress 10.0.12.1/30 -PeerIPAddress 10.0.12.2/30 -WhatIf
Add-NsLink r2 r3 -IPAddress 10.0.23.1/30 -PeerIPAddress 10.0.23.2/30 -WhatIf
Enable-IpForward -Namespace r2 -WhatIf
Add-NsRoute -Namespace r1 -DestinationPrefix 10.0.23.0/30 -NextHop 10.0.12.2 -WhatIf
Set-NsLinkShaping r2 to-r3 -Delay 20ms -Jitter 5ms -Loss 1% -Rate 100mbit -WhatIf
'@
        $whatIf = @($out | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring(9) } | Where-Object { $_ -notlike 'ip netns add *' -and $_ -notlike 'ip -n * dev lo *' })
        $whatIf | Should -Be @(
            'ip link add to-r2 netns r1 type veth peer name to-r1 netns r2'
            'ip -n r1 link set to-r2 up'
            'ip -n r2 link set to-r1 up'
            'ip -n r1 addr add 10.0.12.1/30 dev to-r2'
            'ip -n r2 addr add 10.0.12.2/30 dev to-r1'
            'ip link add to-r3 netns r2 type veth peer name to-r2 netns r3'
            'ip -n r2 link set to-r3 up'
            'ip -n r3 link set to-r2 up'
            'ip -n r2 addr add 10.0.23.1/30 dev to-r3'
            'ip -n r3 addr add 10.0.23.2/30 dev to-r2'
            'ip netns exec r2 sysctl -w net.ipv4.ip_forward=1'
            'ip -n r1 route add 10.0.23.0/30 via 10.0.12.2'
            'tc -n r2 qdisc replace dev to-r3 root netem delay 20ms 5ms loss 1% rate 100mbit'
        ) -Because ($out -join "`n")
        Get-LinkDump | Should -Be $pristine
    }

    It 'builds the links: each end in its namespace, up, with its address' {
        New-NetNamespace r1, r2, r3 | Out-Null
        $link = Add-NsLink r1 r2 -IPAddress 10.0.12.1/30 -PeerIPAddress 10.0.12.2/30
        $link.Namespace, $link.InterfaceName, $link.PeerNamespace, $link.PeerInterfaceName | Should -Be 'r1', 'to-r2', 'r2', 'to-r1'
        $link.IPAddress | Should -Be '10.0.12.1/30'
        $link.PeerIPAddress | Should -Be '10.0.12.2/30'
        Add-NsLink r2 r3 -IPAddress 10.0.23.1/30 -PeerIPAddress 10.0.23.2/30 | Out-Null
        # iproute2's view: the end in r2 is a veth whose peer is in another namespace, and it is up.
        $end = & ip -n r2 -d -j link show to-r3 | ConvertFrom-Json
        $end.linkinfo.info_kind | Should -Be 'veth'
        $end.flags | Should -Contain 'UP'
        $end.link_netnsid | Should -Not -BeNullOrEmpty
        (& ip -n r3 -j addr show to-r2 | ConvertFrom-Json).addr_info.local | Should -Contain '10.0.23.2'
        & ip -n r1 -o link show | Should -Not -Match 'to-r3'
    }

    It 'Get-NsLink lists each link once, with both ends; -Namespace shows them from that side' {
        $all = @(Get-NsLink)
        $all | Should -HaveCount 2
        ($all | ForEach-Object { "$($_.Namespace):$($_.InterfaceName)=$($_.PeerNamespace):$($_.PeerInterfaceName)" }) |
            Should -Be 'r1:to-r2=r2:to-r1', 'r2:to-r3=r3:to-r2'
        $r2 = @(Get-NsLink r2)
        $r2.InterfaceName | Should -Be 'to-r1', 'to-r3'
        $r2.PeerNamespace | Should -Be 'r1', 'r3'
        $r2.IPAddress | Should -Be '10.0.12.2/30', '10.0.23.1/30'
    }

    It 'r1 cannot reach r3 while r2 does not forward' {
        Add-NsRoute -Namespace r1 -DestinationPrefix 10.0.23.0/30 -NextHop 10.0.12.2 | Out-Null
        Add-NsRoute -Namespace r3 -DestinationPrefix 10.0.12.0/30 -NextHop 10.0.23.1 | Out-Null
        (Get-IpForward -Namespace r2).Value | Should -Be '0'
        Test-Ping -Namespace r1 -Target 10.0.23.2 | Should -BeFalse
    }

    It 'Enable-IpForward -Namespace r2 makes r2 a router, and r1 pings r3 through it' {
        $setting = Get-NetNamespace r2 | Enable-IpForward
        $setting.Namespace | Should -Be 'r2'
        $setting.Value | Should -Be '1'
        & ip netns exec r2 cat /proc/sys/net/ipv4/ip_forward | Should -Be '1'
        & ip netns exec r1 cat /proc/sys/net/ipv4/ip_forward | Should -Be '0'
        Read-Sysctl net.ipv4.ip_forward | Should -Be '0' -Because "the host's forwarding is not touched"
        Test-Ping -Namespace r1 -Target 10.0.23.2 | Should -BeTrue
        Test-Ping -Namespace r3 -Target 10.0.12.1 | Should -BeTrue
    }

    It 'running the whole lab again changes nothing' {
        $before = Get-LinkDump
        New-Chain
        Get-LinkDump | Should -Be $before
        $verbose = Add-NsLink r1 r2 -IPAddress 10.0.12.1/30 -PeerIPAddress 10.0.12.2/30 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose | Where-Object Message -Match '^(ip|tc|sysctl) ' | Should -BeNullOrEmpty
    }

    It 'completes a pair another tool left with both ends in r1' {
        Invoke-Checked ip -n r1 link add x-r3 type veth peer name x-r1
        $link = Add-NsLink r1 r3 -Name x-r3 -PeerName x-r1
        $link.PeerNamespace | Should -Be 'r3'
        & ip -n r1 -o link show | Should -Not -Match 'x-r1'
        (& ip -n r3 -j link show x-r1 | ConvertFrom-Json).flags | Should -Contain 'UP'
        Remove-NsLink r1 x-r3
        & ip -n r3 -o link show | Should -Not -Match 'x-r1'
    }

    It 'rolls back a link whose step <Step> fails' -ForEach @(@{ Step = 1 }, @{ Step = 2 }, @{ Step = 4 }) {
        $before = Get-LinkDump
        $env:NETNSPS_TEST_FAIL_STEP = "$Step"
        try {
            $errors = @(Invoke-Capture { Add-NsLink r1 r3 -IPAddress 10.0.13.1/30 -PeerIPAddress 10.0.13.2/30 })
        } finally { Remove-Item env:NETNSPS_TEST_FAIL_STEP }
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'CommandFailed,*'
        Get-LinkDump | Should -Be $before
    }

    It 'Set-NsLinkShaping -WhatIf prints the tc command and changes nothing' {
        $before = Get-LinkDump
        $out = Invoke-ChildPwsh 'Get-NsLink r2 -InterfaceName to-r3 | Set-NsLinkShaping -Delay 20ms -Duplicate 0.5% -Rate 1.5mbit -WhatIf; Remove-NsLinkShaping r2 to-r3 -WhatIf'
        @($out | Where-Object { $_ -like 'What if: *' }) | Should -Be 'What if: tc -n r2 qdisc replace dev to-r3 root netem delay 20ms duplicate 0.5% rate 1500kbit'
        Get-LinkDump | Should -Be $before
    }

    It 'without netem in the kernel, Set-NsLinkShaping says so and changes nothing' -Skip:$hasNetem {
        $before = Get-LinkDump
        $errors = @(Invoke-Capture { Set-NsLinkShaping r2 to-r3 -Delay 20ms })
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'NetemUnavailable,NetNsPS.Commands.SetNsLinkShapingCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'NotInstalled'
        Get-LinkDump | Should -Be $before
    }

    It 'a 20 ms netem delay on to-r3 makes the round trip at least 20 ms, and removing it brings it back' -Skip:(-not $hasNetem) {
        Get-PingRtt r1 10.0.23.2 | Should -BeLessThan 10
        $shaping = Set-NsLinkShaping r2 to-r3 -Delay 20ms
        $shaping.Delay | Should -Be '20ms'
        Get-PingRtt r1 10.0.23.2 | Should -BeGreaterOrEqual 20
        (Get-NsLinkShaping | Where-Object InterfaceName -EQ to-r3).Delay | Should -Be '20ms'
        Get-NsLinkShaping r1 | Should -BeNullOrEmpty
        $before = Get-LinkDump
        Set-NsLinkShaping r2 to-r3 -Delay 20ms -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'tc *' } |
            Should -BeNullOrEmpty -Because 'the same settings need no command'
        Get-LinkDump | Should -Be $before
        Get-NsLinkShaping r2 | Remove-NsLinkShaping
        Get-PingRtt r1 10.0.23.2 | Should -BeLessThan 10
        (& tc -j -n r2 qdisc show dev to-r3 | ConvertFrom-Json).kind | Should -Not -Be 'netem'
    }

    It 'Remove-NsLinkShaping on an interface without netem changes nothing' {
        $before = Get-LinkDump
        Remove-NsLinkShaping r2 to-r3
        Get-NsLink | Remove-NsLinkShaping
        Get-LinkDump | Should -Be $before
    }

    It '<Case>: <Id> (<Category>), nothing changed' -ForEach @(
        @{ Case = 'both ends in one namespace'; Command = { Add-NsLink r1 r1 }; Id = 'SameNamespace'; Category = 'InvalidArgument' }
        @{ Case = 'peer namespace missing'; Command = { Add-NsLink r1 r9 }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Case = 'name with a space'; Command = { Add-NsLink r1 r3 -Name 'to r3' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument' }
        @{ Case = 'default name too long'; Command = { Add-NsLink r1 averylongnamespace }; Id = 'DefaultNameTooLong'; Category = 'InvalidArgument' }
        @{ Case = 'network address'; Command = { Add-NsLink r1 r3 -IPAddress 10.0.13.0/30 }; Id = 'InvalidHostAddress'; Category = 'InvalidArgument' }
        @{ Case = 'address on another link'; Command = { Add-NsLink r1 r3 -IPAddress 10.0.12.1/30 }; Id = 'AddressInUse'; Category = 'ResourceExists' }
        @{ Case = 'name taken by a link to r2'; Command = { Add-NsLink r1 r3 -Name to-r2 }; Id = 'LinkConflict'; Category = 'ResourceExists' }
        @{ Case = 'peer name taken'; Command = { Add-NsLink r1 r3 -Name to-r3 -PeerName to-r2 }; Id = 'InterfaceExists'; Category = 'ResourceExists' }
        @{ Case = '-Persist in a namespace'; Command = { Enable-IpForward -Namespace r2 -Persist }; Id = 'PersistInNamespace'; Category = 'InvalidArgument' }
        @{ Case = 'forwarding in a missing namespace'; Command = { Enable-IpForward -Namespace r9 }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Case = 'delay without unit'; Command = { Set-NsLinkShaping r2 to-r3 -Delay 20 }; Id = 'InvalidShapingValue'; Category = 'InvalidArgument' }
        @{ Case = 'loss over 100%'; Command = { Set-NsLinkShaping r2 to-r3 -Loss 150% }; Id = 'InvalidShapingValue'; Category = 'InvalidArgument' }
        @{ Case = 'rate in bytes'; Command = { Set-NsLinkShaping r2 to-r3 -Rate 100mbps }; Id = 'InvalidShapingValue'; Category = 'InvalidArgument' }
        @{ Case = 'jitter without delay'; Command = { Set-NsLinkShaping r2 to-r3 -Jitter 5ms }; Id = 'JitterWithoutDelay'; Category = 'InvalidArgument' }
        @{ Case = 'no setting'; Command = { Set-NsLinkShaping r2 to-r3 }; Id = 'NoShapingGiven'; Category = 'InvalidArgument' }
        @{ Case = 'shaping a missing interface'; Command = { Set-NsLinkShaping r2 to-r9 -Delay 1ms }; Id = 'InterfaceNotFound'; Category = 'ObjectNotFound' }
        @{ Case = 'removing a link that is not a veth'; Command = { Remove-NsLink r1 lo }; Id = 'NotAVeth'; Category = 'InvalidArgument' }
    ) {
        $before = Get-LinkDump
        $errors = @(Invoke-Capture $Command)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$Id,NetNsPS.Commands.*"
        "$($errors[0].CategoryInfo.Category)" | Should -Be $Category
        $errors[0].ScriptStackTrace | Should -Not -Match 'at NetNsPS\.' -Because 'a user mistake shows no .NET stack trace'
        Get-LinkDump | Should -Be $before
    }

    It 'a name taken by another kind of device (a bridge) is refused' {
        Invoke-Checked ip -n r1 link add br-x type bridge
        $before = Get-LinkDump
        $errors = @(Invoke-Capture { Add-NsLink r1 r3 -Name br-x })
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'LinkConflict,*'
        Get-LinkDump | Should -Be $before
        Invoke-Checked ip -n r1 link delete br-x
    }

    It 'Remove-NsLink takes the links from Get-NsLink; the namespaces go; the sandbox is as it was' {
        Get-NsLink | Remove-NsLink
        Get-NsLink | Should -BeNullOrEmpty
        & ip -n r2 -o link show | Should -Not -Match 'to-r'
        Remove-NsLink r1 -PeerNamespace r2 -ErrorAction Stop   # already gone: no error
        Remove-NetNamespace r1, r2, r3 -Confirm:$false
        Get-LinkDump | Should -Be $pristine
    }
}
