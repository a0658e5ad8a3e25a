# The article's setup through the cmdlets only, on a host whose own rules live in iptables-legacy
# (Add-LegacyHostFixture): `iptables` is the legacy binary, filter FORWARD's policy is DROP, iptables-nft is empty.
# Both backends run in the kernel and a legacy DROP drops what nf_tables accepted, so the module must write where the
# drop is: under the iptables driver everything goes to legacy (nothing to iptables-nft), under the nftables driver the
# table holds the rules and the FORWARD shim goes to legacy. Every path must work, an unpublished port stays closed,
# and teardown through the cmdlets leaves legacy, iptables-nft, the nft ruleset and the sysctls exactly as they were.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'The article on an iptables-legacy host' {
    BeforeAll {
        Reset-Sandbox
        $script:bridgeNf = Test-Path /proc/sys/net/bridge
        $script:nft = (Get-FirewallDriverName) -eq 'nftables'
        Add-LegacyHostFixture
        $script:article = Start-ArticleOnHost -Dump { (Get-StateDump) + "`n" + (Get-BackendsDump) }

        function Get-BridgeAccept {
            # The bridge's forward accepts in legacy (the iptables driver's chain, or the nftables driver's shim).
            @(& iptables-legacy -S NETNSPS-FORWARD 2>$null | Where-Object { $_ -match 'netnsps:bridge:bridge0:' } | ForEach-Object { $_ -replace '"', '' })
        }
    }
    AfterAll {
        foreach ($p in $script:article.Web, $script:article.Hidden, $script:article.WanWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
        Remove-HostFixtureMounts
    }

    It 'the fixture: iptables is the legacy binary, legacy FORWARD drops, iptables-nft is empty' {
        (& iptables -V) | Should -Match '\(legacy\)'
        (& iptables-save | Select-Object -First 1) | Should -Not -Match 'nf_tables'
        (& iptables-legacy -S FORWARD)[0] | Should -Be '-P FORWARD DROP'
        (& iptables-legacy -S INPUT) | Should -Contain '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'
        Get-IptablesDump -Tool iptables-nft-save | Should -BeNullOrEmpty
    }

    It 'the module wrote to legacy only: iptables-nft holds nothing of it' {
        Get-IptablesDump -Tool iptables-nft-save | Should -BeNullOrEmpty
        Get-BridgeAccept | Should -Be @(
            '-A NETNSPS-FORWARD -i bridge0 -o bridge0 -m comment --comment netnsps:bridge:bridge0:within -j ACCEPT'
            '-A NETNSPS-FORWARD -i bridge0 ! -o bridge0 -m comment --comment netnsps:bridge:bridge0:out -j ACCEPT'
            '-A NETNSPS-FORWARD -o bridge0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment netnsps:bridge:bridge0:reply -j ACCEPT')
        $legacy = @(& iptables-legacy-save)
        if ($script:nft) {
            # The table holds the mapping; legacy holds only the shim, reached first in FORWARD.
            (& iptables-legacy -S FORWARD)[1] | Should -Be '-A FORWARD -j NETNSPS-FORWARD'
            ($legacy | Where-Object { $_ -match 'NETNSPS-(PREROUTING|POSTROUTING|OUTPUT)' }) | Should -BeNullOrEmpty
            (& nft list table inet netnsps) -join "`n" | Should -BeLike '*8080*'
        } else {
            ($legacy | Where-Object { $_ -match '^-A NETNSPS-PREROUTING .*--dport 8080' }) | Should -Not -BeNullOrEmpty
            ($legacy | Where-Object { $_ -match '^-A NETNSPS-POSTROUTING .*MASQUERADE' }) | Should -Not -BeNullOrEmpty
            (& nft list tables) -join "`n" | Should -Not -Match 'netnsps'
        }
    }

    It 'every path works and the unpublished port stays closed from outside' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        Assert-ArticlePaths $script:article
    }

    It 'Get-NsDiagnostic: everything Ok, iptables is legacy, no split' {
        $all = @(Get-NsDiagnostic red)
        ($all | Where-Object Status -ne Ok | ForEach-Object { "$($_.Check): $($_.Observed)" }) | Should -BeNullOrEmpty
        ($all | Where-Object Check -eq 'iptables backends').Observed | Should -BeLike '*iptables is legacy*'
        ($all | Where-Object Check -eq 'other firewall tools').Observed | Should -BeLike '*FORWARD drops; NetNsPS accepts the traffic of bridge0 in *'
    }

    It 'accepts in iptables-nft do not help: the legacy DROP still drops; the diagnostic''s fix, New-NetBridge, repairs it' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        foreach ($rule in Get-BridgeAccept) {
            $spec = ($rule -replace '^-A ', '') -split ' '
            Invoke-Checked iptables-legacy -w -t filter -D @spec | Out-Null
        }
        # What a module writing to the wrong backend would do: accept the bridge in iptables-nft.
        Invoke-Checked iptables-nft -w -I FORWARD -i bridge0 -j ACCEPT | Out-Null
        Invoke-Checked iptables-nft -w -I FORWARD -o bridge0 -j ACCEPT | Out-Null
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeFalse
        $all = @(Get-NsDiagnostic red)
        ($all | Where-Object Check -eq 'iptables backends').Status | Should -Not -Be 'Ok'
        $within = $all | Where-Object Check -eq 'FORWARD within bridge0'
        $within.Status | Should -Be 'Failed'
        $within.Fix | Should -Be 'New-NetBridge bridge0'
        Invoke-Checked iptables-nft -w -F FORWARD | Out-Null
        Invoke-Expression $within.Fix | Out-Null
        Get-BridgeAccept | Should -HaveCount 3
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
        Invoke-ChildPwsh 'New-NetBridge bridge0 -WhatIf' | Where-Object { $_ -like 'What if:*' } | Should -BeNullOrEmpty
    }

    It 'teardown through the cmdlets leaves legacy, iptables-nft, nft and the sysctls exactly as they were' {
        Stop-ArticleOnHost $script:article
        $after = (Get-StateDump) + "`n" + (Get-BackendsDump)
        $after | Should -Be $script:article.Pristine -Because (Get-DumpDiff $script:article.Pristine $after)
        @(& iptables-legacy-save | Where-Object { $_ -match 'NETNSPS|netnsps' }) | Should -BeNullOrEmpty
    }
}

Describe 'Clear-NetNsPS on an iptables-legacy host' {
    BeforeAll {
        Reset-Sandbox
        Add-LegacyHostFixture
        New-Wan
        Invoke-Checked ip route add default via 198.51.100.1 | Out-Null
        $script:pristine = (Get-StateDump) + "`n" + (Get-BackendsDump)
        Invoke-ArticleSetup | Out-Null
    }
    AfterAll { Remove-HostFixtureMounts }

    It 'removes what the cmdlets made from legacy, and leaves the host''s rules' {
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
        @(& iptables-legacy-save | Where-Object { $_ -match 'netnsps:bridge:bridge0:' }).Count | Should -BeGreaterOrEqual 3
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        $after = (Get-StateDump) + "`n" + (Get-BackendsDump)
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
    }
}
