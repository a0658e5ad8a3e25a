# The article's setup through the cmdlets only, on a host that runs Docker (28, iptables mode, no container:
# Add-DockerHostFixture): FORWARD's policy is DROP, br_netfilter is on and so is ip_forward. Every path of the
# article must work there (red <-> blue, host <-> red, red -> wan masqueraded, the published port from another
# machine, from localhost, from a sibling and by hairpin), an unpublished port must stay closed from outside, and the
# teardown through the cmdlets must leave the host exactly as Docker left it. Runs under either firewall driver.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'The article on a Docker host' {
    BeforeAll {
        Reset-Sandbox
        $script:bridgeNf = Test-Path /proc/sys/net/bridge
        $script:nft = (Get-FirewallDriverName) -eq 'nftables'
        Add-DockerHostFixture
        New-Wan
        # wan is "another machine" on the host's link: it also knows the way to the namespaces' subnet, so it can try
        # them directly, not only through a published port.
        Invoke-Checked ip -n wan route add 192.168.15.0/24 via 198.51.100.2 | Out-Null
        # and the host's default route leads there, as a real host's leads to its uplink: what leaves bridge0 for the
        # internet goes out by veth-wan-h, not by docker0 (where Docker's own chains drop what is not docker0's).
        Invoke-Checked ip route add default via 198.51.100.1 | Out-Null
        $script:wanWeb = Start-NsWebServer -Namespace wan -Port 8000 -Bind 198.51.100.1 -LogPath /tmp/netnsps-docker-wan.log
        $script:pristine = Get-StateDump

        New-ArticleSetup
        'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
        Enable-IpForward | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        Enable-BridgeNetfilter | Out-Null
        $script:web = Start-NsWebServer -Namespace red -Port 80
        $script:hidden = Start-NsWebServer -Namespace red -Port 81 -LogPath /tmp/netnsps-docker-red81.log
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null

        function Get-BridgeAccept {
            # The bridge's forward accepts as iptables shows them (the iptables driver's chain, or the nftables driver's shim).
            @(& iptables -S NETNSPS-FORWARD 2>$null | Where-Object { $_ -match 'netnsps:bridge:bridge0:' } | ForEach-Object { $_ -replace '"', '' })
        }
    }
    AfterAll {
        foreach ($p in $script:web, $script:hidden, $script:wanWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
    }

    It 'the fixture is what Docker leaves: FORWARD policy DROP after its two jumps, docker0, its masquerade' {
        $forward = @(& iptables -S FORWARD)
        $forward[0] | Should -Be '-P FORWARD DROP'
        $forward | Should -Contain '-A FORWARD -j DOCKER-USER'
        $forward | Should -Contain '-A FORWARD -j DOCKER-FORWARD'
        (& iptables -t nat -S POSTROUTING) | Should -Contain '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE'
        Read-Sysctl net.ipv4.ip_forward | Should -Be '1'
        (& ip -j addr show docker0 | ConvertFrom-Json).addr_info.local | Should -Contain '172.17.0.1'
    }

    It 'New-NetBridge accepted the bridge''s own traffic, in the module''s chain, where iptables'' FORWARD drops it' {
        Get-BridgeAccept | Should -Be @(
            '-A NETNSPS-FORWARD -i bridge0 -o bridge0 -m comment --comment netnsps:bridge:bridge0:within -j ACCEPT'
            '-A NETNSPS-FORWARD -i bridge0 ! -o bridge0 -m comment --comment netnsps:bridge:bridge0:out -j ACCEPT'
            '-A NETNSPS-FORWARD -o bridge0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment netnsps:bridge:bridge0:reply -j ACCEPT')
        if ($script:nft) {
            # In its own table too; only the copy in iptables (the shim, reached first) overrides iptables' drop.
            (& nft list chain inet netnsps filter-forward) -join "`n" | Should -BeLike '*iifname "bridge0" oifname "bridge0" accept comment "netnsps:bridge:bridge0:within"*'
            # First in FORWARD, but after Docker's jump to DOCKER-USER, which Docker keeps first for the user's own rules.
            (& iptables -S FORWARD)[1] | Should -Be '-A FORWARD -j DOCKER-USER'
            (& iptables -S FORWARD)[2] | Should -Be '-A FORWARD -j NETNSPS-FORWARD'
        }
        # Docker's own chains are as it made them.
        (& iptables -S DOCKER-FORWARD) | Should -Contain '-A DOCKER-FORWARD -i docker0 -j ACCEPT'
    }

    It 'red and blue reach each other (bridged frames pass FORWARD through br_netfilter)' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        Read-Sysctl net.bridge.bridge-nf-call-iptables | Should -Be '1'
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
        Test-Ping -Namespace blue -Target 192.168.15.2 | Should -BeTrue
    }

    It 'the host and red reach each other' {
        Test-Ping -Target 192.168.15.2 | Should -BeTrue
        Test-Ping -Namespace red -Target 192.168.15.1 | Should -BeTrue
        Get-Page -Url 'http://192.168.15.2:80/' | Should -Be 'hello from red'
    }

    It 'red reaches wan, masqueraded to the host''s address' {
        $page, $log = Get-WanRequestLog -LogPath /tmp/netnsps-docker-wan.log
        $page | Should -Be 'hello from wan'
        # http.server logs the client: the host's address on wan's link, not red's.
        $log | Should -Match '198\.51\.100\.2 - - '
        $log | Should -Not -Match '192\.168\.15\.2 - - '
    }

    It 'a rule of the user''s in DOCKER-USER filters the NetNsPS bridge''s traffic too, as Docker promises for its own' {
        Get-Page -Namespace red -Url 'http://198.51.100.1:8000/' | Should -Be 'hello from wan'
        Invoke-Checked iptables -w -I DOCKER-USER -s 192.168.15.2/32 -d 198.51.100.1/32 -j DROP | Out-Null
        try {
            Get-Page -Namespace red -Url 'http://198.51.100.1:8000/' | Should -BeNullOrEmpty
        } finally {
            Invoke-Checked iptables -w -D DOCKER-USER -s 192.168.15.2/32 -d 198.51.100.1/32 -j DROP | Out-Null
        }
        Get-Page -Namespace red -Url 'http://198.51.100.1:8000/' | Should -Be 'hello from wan'
    }

    It 'the published port answers from another machine (wan), from localhost, from a sibling and by hairpin' {
        Get-PublishedAnswers | Should -Be @('hello from red', 'hello from red', 'hello from red', 'hello from red')
    }

    It 'an unpublished port stays closed from outside, directly and through the host' {
        $fromBlue, $direct, $viaHost = Get-UnpublishedAnswers
        $fromBlue | Should -Be 'hello from red'   # it does answer
        $direct | Should -BeNullOrEmpty
        $viaHost | Should -BeNullOrEmpty
    }

    It 'Get-NsDiagnostic: everything Ok, and it names Docker and what NetNsPS did' {
        $all = @(Get-NsDiagnostic red)
        ($all | Where-Object Status -ne Ok | ForEach-Object { "$($_.Check): $($_.Observed)" }) | Should -BeNullOrEmpty
        $tools = $all | Where-Object Check -eq 'other firewall tools'
        $tools.Observed | Should -BeLike 'Docker (chains DOCKER, DOCKER-BRIDGE, DOCKER-CT, DOCKER-FORWARD, DOCKER-INTERNAL, DOCKER-USER; docker0); FORWARD drops; NetNsPS accepts the traffic of bridge0 in *(New-NetBridge)'
    }

    It 'without the bridge''s accepts red cannot ping blue; the diagnostic''s Fix is New-NetBridge, and it repairs it' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        foreach ($rule in Get-BridgeAccept) {
            $spec = ($rule -replace '^-A ', '') -split ' '
            Invoke-Checked iptables -w -t filter -D @spec | Out-Null
        }
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeFalse
        $within = Get-NsDiagnostic red | Where-Object Check -eq 'FORWARD within bridge0'
        $within.Status | Should -Be 'Failed'
        $within.Fix | Should -Be 'New-NetBridge bridge0'
        Invoke-Expression $within.Fix | Out-Null
        Get-BridgeAccept | Should -HaveCount 3
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
        # Converged: run again, it changes nothing.
        Invoke-ChildPwsh 'New-NetBridge bridge0 -WhatIf' | Where-Object { $_ -like 'What if:*' } | Should -BeNullOrEmpty
    }

    It 'teardown through the cmdlets leaves the host exactly as Docker left it (rules, tables, sysctls, links)' {
        foreach ($p in $script:web, $script:hidden) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue; $p.WaitForExit() }
        Get-NsPort | Unpublish-NsPort
        Disable-NsMasquerade bridge0
        # No Disable-IpForward: Docker turned forwarding on and needs it.
        'red', 'blue' | ForEach-Object { Remove-NsRoute -Namespace $_ }
        Remove-VethPair red
        Remove-VethPair blue
        Remove-NetNamespace red, blue -Confirm:$false
        Remove-NetBridge bridge0 -Confirm:$false
        $after = Get-StateDump
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
        Get-NetNsPSResidue | Should -BeNullOrEmpty
    }
}

Describe 'Clear-NetNsPS on a Docker host' {
    BeforeAll {
        Reset-Sandbox
        Add-DockerHostFixture
        New-Wan
        Invoke-Checked ip route add default via 198.51.100.1 | Out-Null
        $script:pristine = Get-StateDump
        Invoke-ArticleSetup | Out-Null
    }

    It 'removes what the cmdlets made, the bridge''s accepts included, and leaves Docker''s rules and ip_forward' {
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
        @(& iptables-save | Where-Object { $_ -match 'netnsps:bridge:bridge0:' }).Count | Should -BeGreaterOrEqual 3
        # Invoke-ArticleSetup persists forwarding (-Persist): Clear-NetNsPS removes its file; ip_forward stays 1.
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        $after = Get-StateDump
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
    }
}
