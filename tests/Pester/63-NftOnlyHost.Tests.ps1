# The article's setup through the cmdlets only, on an nftables-only host (Add-NftOnlyHostFixture): no iptables
# binaries at all, and the host's own firewall in `table inet hostfw`, whose forward chain drops (policy drop).
# Under the iptables driver every cmdlet refuses with one clear error and changes nothing. Under the nftables driver the
# module's table is made as on any host, but an accept in it cannot override another table's drop (every base chain of
# the hook must accept), and the module never edits another tool's table: Get-NsDiagnostic names the dropping chain
# and gives the admin's fix; with it every path works, and teardown through the cmdlets leaves the ruleset as it was.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'An nftables-only host' {
    BeforeAll {
        Reset-Sandbox
        $script:bridgeNf = Test-Path /proc/sys/net/bridge
        $script:nft = (Get-FirewallDriverName) -eq 'nftables'
        Add-NftOnlyHostFixture
    }
    AfterAll {
        if ($script:article) {
            foreach ($p in $script:article.Web, $script:article.Hidden, $script:article.WanWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
        }
        Remove-HostFixtureMounts
    }

    It 'the fixture: no iptables program is found, by PATH or by the module; hostfw''s forward drops' {
        foreach ($program in 'iptables', 'iptables-save', 'iptables-restore', 'iptables-nft', 'iptables-legacy', 'ip6tables', 'xtables-nft-multi') {
            Get-Command $program -ErrorAction SilentlyContinue | Should -BeNullOrEmpty -Because $program
            Test-Path "/sbin/$program" | Should -BeFalse
        }
        { [NetNsPS.Linux.ProcessRunner]::ResolveProgram('iptables') } | Should -Throw '*not found on PATH*'
        [NetNsPS.Linux.Firewall.FirewallDrivers]::IsAvailable('iptables') | Should -BeFalse
        (& nft list chain inet hostfw forward) -join "`n" | Should -BeLike '*policy drop;*'
    }

    It 'under the iptables driver: what needs the firewall fails before any change, naming iptables and its package; a bridge still works' {
        if ($script:nft) { Set-ItResult -Skipped -Because 'this case is the iptables driver''s'; return }
        $before = Get-StateDump
        Invoke-Capture { New-NetBridge bridge0 -IPAddress 192.168.15.1/24 | Out-Null } | Should -BeNullOrEmpty
        $withBridge = Get-StateDump
        foreach ($block in { Enable-NsMasquerade bridge0 }, { Get-NsPort }, { Get-NsMasquerade }) {
            $e = @(Invoke-Capture $block)
            $e | Should -HaveCount 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ProgramNotFound,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $e[0].Exception.Message | Should -Match "'iptables-save'"
            $e[0].Exception.Message | Should -Match 'apt-get install iptables\b'
            $e[0].ScriptStackTrace | Should -Not -BeLike '*NetNsPS.Linux*'
        }
        Get-StateDump | Should -Be $withBridge
        Invoke-Capture { Remove-NetBridge bridge0 -Confirm:$false } | Should -BeNullOrEmpty
        $after = Get-StateDump
        $after | Should -Be $before -Because (Get-DumpDiff $before $after)
    }

    Context 'under the nftables driver' {
        BeforeAll {
            if ($script:nft) {
                $script:article = Start-ArticleOnHost
            }
            function Invoke-Fix([string] $Check) {
                # The diagnostic's fix for one check, run as the admin would paste it into bash.
                $fix = (Get-NsDiagnostic red | Where-Object Check -eq $Check).Fix
                if ($fix) { Invoke-Checked bash -c $fix | Out-Null }
                $fix
            }
        }

        It 'the module''s table is made; hostfw''s drop still wins: red cannot reach blue or wan' {
            if (-not $script:nft) { Set-ItResult -Skipped -Because 'this case is the nftables driver''s'; return }
            if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
            # Its NAT is there; no bridge accepts: iptables' FORWARD (absent) does not drop, and an accept in this
            # table could not override hostfw's drop anyway.
            (& nft list table inet netnsps) -join "`n" | Should -BeLike '*masquerade*'
            (& nft list table inet netnsps) -join "`n" | Should -Not -BeLike '*netnsps:bridge:bridge0:*'
            Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeFalse
            Get-Page -Namespace red -Url 'http://198.51.100.1:8000/' | Should -BeNullOrEmpty
        }

        It 'Get-NsDiagnostic names the dropping chain of the other table; its fix is New-NetBridge -AcceptInChain' {
            if (-not $script:nft) { Set-ItResult -Skipped -Because 'this case is the nftables driver''s'; return }
            $all = @(Get-NsDiagnostic red)
            $within = $all | Where-Object Check -eq 'FORWARD within bridge0'
            $within.Status | Should -Be 'Failed'
            "$($within.Observed)" | Should -BeLike '*inet hostfw*'
            $within.Fix | Should -Be "New-NetBridge bridge0 -AcceptInChain 'inet hostfw forward'"
            ($all | Where-Object Check -eq 'FORWARD out of bridge0').Fix | Should -Be "New-NetBridge bridge0 -AcceptInChain 'inet hostfw forward'"
        }

        It 'New-NetBridge -AcceptInChain: -WhatIf shows the tagged inserts; a chain that is not there is refused before any change' {
            if (-not $script:nft) { Set-ItResult -Skipped -Because 'this case is the nftables driver''s'; return }
            $whatIf = @(Invoke-ChildPwsh "New-NetBridge bridge0 -AcceptInChain 'inet hostfw forward' -WhatIf" | Where-Object { $_ -like 'What if:*' })
            $whatIf | Should -Be @(
                'What if: nft insert rule inet hostfw forward ''oifname "bridge0" ct status dnat accept comment "netnsps:bridge:bridge0:dnat"'''
                'What if: nft insert rule inet hostfw forward ''oifname "bridge0" ct state established,related accept comment "netnsps:bridge:bridge0:reply"'''
                'What if: nft insert rule inet hostfw forward ''iifname "bridge0" oifname != "bridge0" accept comment "netnsps:bridge:bridge0:out"'''
                'What if: nft insert rule inet hostfw forward ''iifname "bridge0" oifname "bridge0" accept comment "netnsps:bridge:bridge0:within"''')
            $before = Get-StateDump
            $e = @(Invoke-Capture { New-NetBridge bridge9 -AcceptInChain 'inet hostfw nosuch' })
            $e | Should -HaveCount 1
            $e[0].FullyQualifiedErrorId | Should -Be 'ChainNotFound,NetNsPS.Commands.NewNetBridgeCommand'
            $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            @(Invoke-Capture { New-NetBridge bridge9 -AcceptInChain 'inet netnsps filter-forward' })[0].FullyQualifiedErrorId | Should -BeLike 'InvalidChain,*'
            Get-StateDump | Should -Be $before
        }

        It 'with the diagnostic''s fix every path works, the unpublished port stays closed, nothing fails, a re-run converges' {
            if (-not $script:nft) { Set-ItResult -Skipped -Because 'this case is the nftables driver''s'; return }
            if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
            Invoke-Expression (Get-NsDiagnostic red | Where-Object Check -eq 'FORWARD within bridge0').Fix | Out-Null
            Assert-ArticlePaths $script:article
            @(Get-NsDiagnostic red | Where-Object Status -eq 'Failed' | ForEach-Object { "$($_.Check): $($_.Observed)" }) | Should -BeNullOrEmpty
            Invoke-ChildPwsh "New-NetBridge bridge0 -AcceptInChain 'inet hostfw forward' -WhatIf" | Where-Object { $_ -like 'What if:*' } | Should -BeNullOrEmpty
        }

        It 'teardown through the cmdlets leaves the ruleset (hostfw included) and the sysctls exactly as they were' {
            if (-not $script:nft) { Set-ItResult -Skipped -Because 'this case is the nftables driver''s'; return }
            Stop-ArticleOnHost $script:article
            $after = Get-StateDump
            $after | Should -Be $script:article.Pristine -Because (Get-DumpDiff $script:article.Pristine $after)
            (& nft list ruleset) -join "`n" | Should -Not -Match 'netnsps'
        }
    }

    Context 'Clear-NetNsPS under the nftables driver' {
        It 'takes the bridge''s accepts out of the other table too' {
            if (-not $script:nft) { Set-ItResult -Skipped -Because 'this case is the nftables driver''s'; return }
            $before = Get-StateDump
            New-NetBridge bridge1 -IPAddress 192.168.16.1/24 -AcceptInChain 'inet hostfw forward' | Out-Null
            @(& nft list chain inet hostfw forward | Where-Object { $_ -match 'netnsps:bridge:bridge1:' }) | Should -HaveCount 4
            Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
            $after = Get-StateDump
            $after | Should -Be $before -Because (Get-DumpDiff $before $after)
        }
    }
}
