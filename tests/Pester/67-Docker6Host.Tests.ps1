# IPv6 through the cmdlets on a host that runs Docker 27/28 with IPv6 (Add-DockerIpv6HostFixture): ip6tables' filter
# FORWARD policy is DROP after Docker's jumps, as iptables' is, IPv6 forwarding is on and so is
# bridge-nf-call-ip6tables. The article's namespaces get 2001:db8:15::/64 beside 192.168.15.0/24 and a wan namespace
# on 2001:db8:100::/64 plays the internet. red <-> blue over IPv6 on the NetNsPS bridge and red -> wan masqueraded
# must work there, proved with tools that are not ours (ping -6, curl, python's http.server); a re-run must change
# nothing, -WhatIf must name the ip6tables commands, and teardown and Clear-NetNsPS must leave iptables, ip6tables and
# the nft ruleset as Docker left them. Runs under either firewall driver.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function New-Docker6Host {
        # The Docker host with IPv6, and wan behind the host's default routes of both families (as a real host's lead to its uplink).
        Reset-Sandbox
        Add-DockerIpv6HostFixture
        New-Wan -Ipv6
        Invoke-Checked ip route add default via 198.51.100.1 | Out-Null
        Invoke-Checked ip -6 route add default via 2001:db8:100::1 | Out-Null
    }

    function Build-DualStack {
        New-ArticleSetup
        Add-NsIPAddress 2001:db8:15::1/64 -InterfaceName bridge0 | Out-Null
        Add-NsIPAddress 2001:db8:15::2/64 -Namespace red | Out-Null
        Add-NsIPAddress 2001:db8:15::3/64 -Namespace blue | Out-Null
        foreach ($ns in 'red', 'blue') {
            Add-NsRoute -Namespace $ns -NextHop 192.168.15.1 | Out-Null
            Add-NsRoute -Namespace $ns -NextHop 2001:db8:15::1 | Out-Null
        }
        # No Enable-IpForward: Docker turned forwarding on for both families.
        Enable-NsMasquerade bridge0 | Out-Null
    }

    function Get-Ip6Accept {
        # The module's forward accepts in ip6tables, matching a tag (the iptables driver's chain, or the nftables driver's shim).
        param([string] $Pattern = 'netnsps:bridge:bridge0:')
        @(& ip6tables -S NETNSPS-FORWARD 2>$null | Where-Object { $_ -match $Pattern } | ForEach-Object { $_ -replace '"', '' })
    }
}

Describe 'IPv6 on a Docker host whose ip6tables FORWARD drops' {
    BeforeAll {
        $script:bridgeNf = Test-Path /proc/sys/net/bridge
        $script:nft = (Get-FirewallDriverName) -eq 'nftables'
        New-Docker6Host
        $script:wanWeb = Start-NsWebServer -Namespace wan -Port 8000 -Bind '::' -LogPath /tmp/netnsps-docker6-wan.log
        $script:pristine = Get-StateDump
        Build-DualStack
        $script:blueWeb = Start-NsWebServer -Namespace blue -Port 80 -Bind '::'
    }
    AfterAll {
        foreach ($p in $script:blueWeb, $script:redWeb, $script:wanWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
    }

    It 'the fixture is what Docker 27+ leaves with IPv6: ip6tables FORWARD policy DROP after its two jumps, IPv6 forwarding, its IPv6 masquerade' {
        $forward = @(& ip6tables -S FORWARD)
        $forward[0] | Should -Be '-P FORWARD DROP'
        $forward | Should -Contain '-A FORWARD -j DOCKER-USER'
        $forward | Should -Contain '-A FORWARD -j DOCKER-FORWARD'
        (& ip6tables -t nat -S POSTROUTING) | Should -Contain '-A POSTROUTING -s 2001:db8:1::/64 ! -o docker0 -j MASQUERADE'
        (& iptables -S FORWARD)[0] | Should -Be '-P FORWARD DROP'
        Read-Sysctl net.ipv6.conf.all.forwarding | Should -Be '1'
        if ($script:bridgeNf) { Read-Sysctl net.bridge.bridge-nf-call-ip6tables | Should -Be '1' }
    }

    It 'New-NetBridge accepted the bridge''s own traffic in ip6tables too, where ip6tables'' FORWARD drops it' {
        Get-Ip6Accept | Should -Be @(
            '-A NETNSPS-FORWARD -i bridge0 -o bridge0 -m comment --comment netnsps:bridge:bridge0:within -j ACCEPT'
            '-A NETNSPS-FORWARD -i bridge0 ! -o bridge0 -m comment --comment netnsps:bridge:bridge0:out -j ACCEPT'
            '-A NETNSPS-FORWARD -o bridge0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment netnsps:bridge:bridge0:reply -j ACCEPT')
        # The IPv6 masquerade's out and reply accepts are there too.
        Get-Ip6Accept 'netnsps:masq:bridge0:' | Should -HaveCount 2
        if ($script:nft) {
            # The shim: first in ip6tables' FORWARD, but after Docker's jump to DOCKER-USER.
            (& ip6tables -S FORWARD)[1] | Should -Be '-A FORWARD -j DOCKER-USER'
            (& ip6tables -S FORWARD)[2] | Should -Be '-A FORWARD -j NETNSPS-FORWARD'
        }
        # Docker's own chains are as it made them.
        (& ip6tables -S DOCKER-FORWARD) | Should -Contain '-A DOCKER-FORWARD -i docker0 -j ACCEPT'
    }

    It 'red and blue reach each other over IPv6 (bridged frames pass ip6tables'' FORWARD through br_netfilter)' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        Test-Ping -Namespace red -Target 2001:db8:15::3 | Should -BeTrue
        Test-Ping -Namespace blue -Target 2001:db8:15::2 | Should -BeTrue
        Get-Page -Namespace red -Url 'http://[2001:db8:15::3]/' | Should -Be 'hello from blue'
    }

    It 'red reaches wan over IPv6, masqueraded: wan sees the host''s address, not red''s' {
        Test-Ping -Namespace red -Target 2001:db8:100::1 | Should -BeTrue
        Get-Page -Namespace red -Url 'http://[2001:db8:100::1]:8000/' | Should -Be 'hello from wan'
        $log = Get-Content /tmp/netnsps-docker6-wan.log -Raw
        $log | Should -Match '2001:db8:100::2 - -'
        $log | Should -Not -Match '2001:db8:15::2'
    }

    It 'a port published over IPv6 answers from wan, through ip6tables'' FORWARD (the nftables driver''s shim carries its accept too)' {
        $script:redWeb = Start-NsWebServer -Namespace red -Port 80 -Bind '::'
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue | Out-Null
        Get-Page -Namespace wan -Url 'http://[2001:db8:100::2]:8080/' | Should -Be 'hello from red'
        @(& ip6tables -S NETNSPS-FORWARD | Where-Object { $_ -match 'netnsps:port:tcp:\[::\]:8080:red:bridge0:forward' }) | Should -HaveCount 1
        Get-NsPort | Unpublish-NsPort
        Get-Page -Namespace wan -Url 'http://[2001:db8:100::2]:8080/' | Should -BeNullOrEmpty
        @(& ip6tables -S NETNSPS-FORWARD | Where-Object { $_ -match 'netnsps:port:' }) | Should -BeNullOrEmpty
    }

    It 'without the accepts in ip6tables red cannot reach blue over IPv6; re-running New-NetBridge puts them back' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        foreach ($rule in Get-Ip6Accept) {
            $spec = ($rule -replace '^-A ', '') -split ' '
            Invoke-Checked ip6tables -w -t filter -D @spec | Out-Null
        }
        Test-Ping -Namespace red -Target 2001:db8:15::3 | Should -BeFalse
        # Get-NsDiagnostic sees the gap and names the cmdlet that closes it
        $check = Get-NsDiagnostic red | Where-Object Check -eq 'IPv6 FORWARD'
        "$($check.Status)" | Should -Be 'Failed'
        $check.Observed | Should -Be 'IPv6''s FORWARD drops, and bridge0''s accepts are not all there'
        $check.Fix | Should -Be 'New-NetBridge bridge0'
        (Get-NsDiagnostic | Where-Object Check -eq 'other firewall tools').Observed | Should -Match 'FORWARD drops \(IPv4 and IPv6\)'
        New-NetBridge bridge0 | Out-Null
        Get-Ip6Accept | Should -HaveCount 3
        Test-Ping -Namespace red -Target 2001:db8:15::3 | Should -BeTrue
        $check = Get-NsDiagnostic red | Where-Object Check -eq 'IPv6 FORWARD'
        "$($check.Status)" | Should -Be 'Ok'
        $check.Fix | Should -BeNullOrEmpty
    }

    It 'a re-run changes nothing, and -WhatIf of it prints no change' {
        $before = Get-StateDump
        New-NetBridge bridge0 | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        Add-NsIPAddress 2001:db8:15::2/64 -Namespace red | Out-Null
        Add-NsRoute -Namespace red -NextHop 2001:db8:15::1 | Out-Null
        $after = Get-StateDump
        $after | Should -Be $before -Because (Get-DumpDiff $before $after)
        Invoke-ChildPwsh 'New-NetBridge bridge0 -WhatIf; Enable-NsMasquerade bridge0 -WhatIf' | Where-Object { $_ -like 'What if:*' } | Should -BeNullOrEmpty
    }

    It '-WhatIf prints the exact ip6tables commands for a new bridge''s accepts and for their removal' {
        $out = Invoke-ChildPwsh 'New-NetBridge bridge1 -WhatIf; Remove-NetBridge bridge0 -WhatIf'
        $whatIf = @($out | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring(9) })
        $whatIf | Should -Contain 'ip6tables -w -t filter -A NETNSPS-FORWARD -i bridge1 -o bridge1 -m comment --comment netnsps:bridge:bridge1:within -j ACCEPT'
        $whatIf | Should -Contain 'ip6tables -w -t filter -A NETNSPS-FORWARD -i bridge1 ! -o bridge1 -m comment --comment netnsps:bridge:bridge1:out -j ACCEPT'
        $whatIf | Should -Contain 'ip6tables -w -t filter -A NETNSPS-FORWARD -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment netnsps:bridge:bridge1:reply -j ACCEPT'
        $whatIf | Should -Contain 'ip6tables -w -t filter -D NETNSPS-FORWARD -i bridge0 -o bridge0 -m comment --comment netnsps:bridge:bridge0:within -j ACCEPT'
        # and the IPv4 copies beside them, as before
        $whatIf | Should -Contain 'iptables -w -t filter -A NETNSPS-FORWARD -i bridge1 -o bridge1 -m comment --comment netnsps:bridge:bridge1:within -j ACCEPT'
        (& ip link show bridge1 2>$null) | Should -BeNullOrEmpty
    }

    It 'teardown through the cmdlets leaves iptables, ip6tables, the nft ruleset and the sysctls exactly as Docker left them' {
        foreach ($p in $script:blueWeb, $script:redWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue; $p.WaitForExit(5000) | Out-Null } }
        $script:blueWeb = $script:redWeb = $null
        Get-NsPort | Unpublish-NsPort
        Get-NsMasquerade | Disable-NsMasquerade
        'red', 'blue' | ForEach-Object { Remove-NsRoute -Namespace $_ }
        Remove-VethPair red
        Remove-VethPair blue
        Remove-NetNamespace red, blue -Confirm:$false
        Remove-NetBridge bridge0 -Confirm:$false
        $after = Wait-StateDump $script:pristine
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
        Get-NetNsPSResidue | Should -BeNullOrEmpty
        @(& ip6tables-save 2>$null | Where-Object { $_ -match 'NETNSPS|netnsps' }) | Should -BeNullOrEmpty
    }
}

Describe 'Clear-NetNsPS on a Docker host with IPv6' {
    BeforeAll {
        New-Docker6Host
        $script:pristine = Get-StateDump
        Build-DualStack
    }

    It 'removes the accepts from ip6tables and iptables and leaves Docker''s rules and forwarding' {
        Get-Ip6Accept | Should -HaveCount 3
        @(& iptables-save | Where-Object { $_ -match 'netnsps:bridge:bridge0:' }).Count | Should -BeGreaterOrEqual 3
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        $after = Wait-StateDump $script:pristine
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
        @(& ip6tables-save 2>$null | Where-Object { $_ -match 'NETNSPS|netnsps' }) | Should -BeNullOrEmpty
    }
}
