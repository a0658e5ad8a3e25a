# The article's setup through the cmdlets only, on a host that runs ufw (the real Debian package, Add-UfwHostFixture):
# enabled, deny incoming, deny routed, so FORWARD's policy is DROP behind ufw's chains, and ufw's state kept inside the
# sandbox. Every path must work, an unpublished port stays closed (ufw's INPUT rules never see DNAT'd traffic, so it is
# the module's own rules that keep it closed), Get-NsDiagnostic names ufw, and teardown through the cmdlets leaves
# ufw's rules exactly as they were. Runs under either firewall driver.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'The article on a ufw host' {
    BeforeAll {
        Reset-Sandbox
        $script:bridgeNf = Test-Path /proc/sys/net/bridge
        $script:nft = (Get-FirewallDriverName) -eq 'nftables'
        Add-UfwHostFixture
        $script:article = Start-ArticleOnHost
    }
    AfterAll {
        foreach ($p in $script:article.Web, $script:article.Hidden, $script:article.WanWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
        & ufw --force disable *> $null
        Remove-HostFixtureMounts
    }

    It 'the fixture: ufw is active, deny incoming, deny routed, FORWARD''s policy DROP behind its chains' {
        (& ufw status verbose) -join "`n" | Should -BeLike '*Status: active*deny (incoming), allow (outgoing)*'
        $forward = @(& iptables -S FORWARD)
        $forward[0] | Should -Be '-P FORWARD DROP'
        $forward | Should -Contain '-A FORWARD -j ufw-before-forward'
        (& iptables -S INPUT)[0] | Should -Be '-P INPUT DROP'
    }

    It 'the bridge''s accepts are in the module''s chain, reached from FORWARD; ufw''s chains are as ufw made them' {
        $accepts = @(& iptables -S NETNSPS-FORWARD | Where-Object { $_ -match 'netnsps:bridge:bridge0:' })
        $accepts | Should -HaveCount 3
        $forward = @(& iptables -S FORWARD)
        $forward | Should -Contain '-A FORWARD -j NETNSPS-FORWARD'
        if ($script:nft) {
            # The shim is first, before ufw's chains; the table holds the rest.
            $forward[1] | Should -Be '-A FORWARD -j NETNSPS-FORWARD'
            (& nft list table inet netnsps) -join "`n" | Should -BeLike '*8080*'
        }
        @(& iptables-save | Where-Object { $_ -match '^-A ufw-' -and $_ -match 'netnsps|NETNSPS|bridge0' }) | Should -BeNullOrEmpty
    }

    It 'every path works and the unpublished port stays closed from outside' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        Assert-ArticlePaths $script:article
    }

    It 'Get-NsDiagnostic names ufw and what NetNsPS did; nothing fails' {
        $all = @(Get-NsDiagnostic red)
        ($all | Where-Object Status -eq Failed | ForEach-Object { "$($_.Check): $($_.Observed)" }) | Should -BeNullOrEmpty
        ($all | Where-Object Check -eq 'other firewall tools').Observed | Should -BeLike 'ufw (active)*FORWARD drops (IPv4 and IPv6); NetNsPS accepts the traffic of bridge0 in *(New-NetBridge)' -Because 'ufw drops forwarded IPv6 too (IPV6=yes)'
        ($all | Where-Object Check -eq 'ufw').Observed | Should -BeLike '*active*'
    }

    It 'teardown through the cmdlets leaves ufw''s rules, the ruleset and the sysctls exactly as they were' {
        Stop-ArticleOnHost $script:article
        $after = Get-StateDump
        $after | Should -Be $script:article.Pristine -Because (Get-DumpDiff $script:article.Pristine $after)
        Get-NetNsPSResidue | Should -BeNullOrEmpty
        (& ufw status) -join "`n" | Should -BeLike '*Status: active*'
    }
}
