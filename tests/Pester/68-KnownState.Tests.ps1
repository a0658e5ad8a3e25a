# The firewall state as last known. iptables driver (IptablesCache): on iptables-nft, a read at an unchanged nf_tables
# generation is a copy of the state as last known, kept current by the module's own applied plans, instead of
# iptables-save and ip6tables-save over every rule of the host. nftables driver (NftablesCache) on a Docker host: the
# iptables side (Docker's tables, the FORWARD shim) is kept with the table, so a call there runs no iptables-save
# either. A copy is proved by save tools that fail put first on PATH: a read that still succeeds did not run them.
# Every copy must equal a whole read, rule by rule and chain by chain; a change made by hand, a failed plan and
# -WhatIf must never leave a wrong copy, and legacy tables (no generation) are always read whole.
BeforeDiscovery {
    Import-Module $env:NETNSPS_TEST_MODULE
    $nftIptables = (& iptables -V 2>$null) -match 'nf_tables'
    $skip = (Get-NetNsPSOption).EffectiveFirewallDriver -ne 'iptables' -or -not $nftIptables
    $skipNft = (Get-NetNsPSOption).EffectiveFirewallDriver -ne 'nftables' -or -not $nftIptables
}

BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    $script:driver = [NetNsPS.Linux.Firewall.Iptables.IptablesDriver]::Instance
    $script:runner = [NetNsPS.Linux.ProcessRunner]::Instance
    $script:broken = '/run/netnsps-test-broken-save'
    New-Item -ItemType Directory -Force -Path $script:broken | Out-Null
    foreach ($tool in 'iptables-save', 'ip6tables-save') {
        Set-Content -LiteralPath "$script:broken/$tool" -Value "#!/bin/sh`necho 'broken for the test' >&2`nexit 3"
        Invoke-Checked chmod +x "$script:broken/$tool" | Out-Null
    }

    function Read-Copy {
        # The driver's planning read with save tools that fail first on PATH: it succeeds only as a copy.
        param($Driver = $script:driver)
        $path = $env:PATH
        try {
            $env:PATH = "$($script:broken):$path"
            $Driver.Read($script:runner, [Threading.CancellationToken]::None)
        } finally { $env:PATH = $path }
    }

    function Read-Whole { $script:driver.ReadForDiagnostics($script:runner, [Threading.CancellationToken]::None) }

    function Format-Snapshot {
        # Everything a planner or Get-NsPort sees of a snapshot, as text: the module's rules of both families, its
        # chains and whether each is reached, and every chain of every table with its rules in order.
        param([Parameter(Mandatory)] $Snapshot)
        $lines = [System.Collections.Generic.List[string]]::new()
        foreach ($rule in $Snapshot.Rules) { $lines.Add("rule $rule") }
        foreach ($chain in $Snapshot.Chains) { $lines.Add("own $($chain.Item1) $($chain.Item2) reached=$($Snapshot.IsReached($chain.Item1, $chain.Item2))") }
        $own = @($lines | Sort-Object)
        $tables = foreach ($chain in ($Snapshot.Ruleset.Chains | Sort-Object Table, Name)) {
            "chain $($chain.Table) $($chain.Name) policy=$($chain.Policy) owned=$($chain.Owned)"
            foreach ($r in $chain.Rules) { "  $($r.Position) $($r.NativeSpec -join ' ')" }
        }
        (@($own) + @($tables)) -join "`n"
    }

    function Assert-CopyIsWhole {
        $copy = Read-Copy
        Format-Snapshot $copy | Should -Be (Format-Snapshot (Read-Whole))
    }
}

Describe 'iptables-nft: reads at an unchanged generation are copies, equal to a whole read' -Skip:$skip {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        Enable-NsMasquerade bridge0 | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
    }

    It 'the first publication makes the raw table, so the read after it is whole, and equal to the state' {
        # iptables-nft makes a table's built-in chains with the table: a step that makes one is not replayed.
        { Read-Copy } | Should -Throw '*broken for the test*'
        Format-Snapshot $script:driver.Read($script:runner, [Threading.CancellationToken]::None) | Should -Be (Format-Snapshot (Read-Whole))
        @(Read-Copy).Rules.Tag | Should -Contain 'netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat'
    }

    It 'each later call plans on a copy and leaves one: two more publications and an unpublication' {
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 | Out-Null
        Assert-CopyIsWhole
        Publish-NsPort red -InternalPort 53 -ExternalPort 5353 -Protocol udp | Out-Null
        Assert-CopyIsWhole
        Get-NsPort -ExternalPort 8081 | Unpublish-NsPort
        Assert-CopyIsWhole
        (Get-NsPort).ExternalPort | Sort-Object | Should -Be @(5353, 8080)
        (& iptables -w -t nat -S NETNSPS-PREROUTING) -join "`n" | Should -Not -Match 'dport 8081'
    }

    It 'an unpublication deletes its rules in-process: with every iptables tool failing first on PATH, iptables-save shows them gone' {
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8084 | Out-Null
        $dir = '/run/netnsps-test-no-iptables'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        # Each tool a link to one failing program whose name says xtables-nft, as the real ones' do: the driver still
        # takes them for iptables-nft, and any of them that runs fails the call.
        Set-Content -LiteralPath "$dir/xtables-nft-multi-failing" -Value "#!/bin/sh`necho 'no iptables process for the test' >&2`nexit 3"
        Invoke-Checked chmod +x "$dir/xtables-nft-multi-failing" | Out-Null
        foreach ($tool in 'iptables', 'iptables-restore', 'iptables-save', 'ip6tables', 'ip6tables-restore', 'ip6tables-save') {
            Remove-Item -LiteralPath "$dir/$tool" -Force -ErrorAction SilentlyContinue
            New-Item -ItemType SymbolicLink -Path "$dir/$tool" -Target "$dir/xtables-nft-multi-failing" | Out-Null
        }
        $path = $env:PATH
        try {
            $env:PATH = "$($dir):$path"
            Get-NsPort -ExternalPort 8084 | Unpublish-NsPort -ErrorAction Stop
        } finally { $env:PATH = $path }
        (& iptables-save) -join "`n" | Should -Not -Match 'dport 8084|:8084:'
        (Get-NsPort).ExternalPort | Should -Not -Contain 8084
        Assert-CopyIsWhole
    }

    It 'a tag on two rules (one copied by hand) is left to iptables, which deletes both' {
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8085 | Out-Null
        $dnat = (& iptables -w -t nat -S NETNSPS-PREROUTING) | Where-Object { $_ -match 'dport 8085 ' }
        $dnat | Should -HaveCount 1
        # The same rule again, as a user pasting iptables -S output would add it.
        $words = ($dnat -replace '^-A ', '') -split ' ' | ForEach-Object { $_.Trim('"') }
        & iptables -w -t nat -A @words
        $LASTEXITCODE | Should -Be 0
        @((& iptables -w -t nat -S NETNSPS-PREROUTING) | Where-Object { $_ -match 'dport 8085 ' }).Count | Should -Be 2
        Get-NsPort -ExternalPort 8085 | Unpublish-NsPort -ErrorAction Stop
        (& iptables-save) -join "`n" | Should -Not -Match 'dport 8085 '
        Format-Snapshot $script:driver.Read($script:runner, [Threading.CancellationToken]::None) | Should -Be (Format-Snapshot (Read-Whole))
    }

    It 'a rule deleted by hand moves the generation: the next read is whole, and a re-run puts it back' {
        Invoke-Checked iptables -w -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j NETNSPS-PREROUTING | Out-Null
        { Read-Copy } | Should -Throw '*broken for the test*'
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        (& iptables -w -t nat -S PREROUTING) | Should -Contain '-A PREROUTING -m addrtype --dst-type LOCAL -j NETNSPS-PREROUTING'
        Assert-CopyIsWhole
    }

    It 'a rule added by another tool is seen: the read after it is whole' {
        Invoke-Checked iptables -w -t filter -A FORWARD -i eth9 -j DROP | Out-Null
        { Read-Copy } | Should -Throw '*broken for the test*'
        @(Read-Whole).Ruleset.Chain('filter', 'FORWARD').Rules.Text | Should -Contain '-i eth9 -j DROP'
        Assert-CopyIsWhole
        Invoke-Checked iptables -w -t filter -D FORWARD -i eth9 -j DROP | Out-Null
    }

    It '-WhatIf changes nothing and leaves the copy standing' {
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        $before = Get-IptablesDump
        Publish-NsPort blue -InternalPort 80 -ExternalPort 9090 -WhatIf 6>$null | Out-Null
        Get-IptablesDump | Should -Be $before
        @(Read-Copy).Rules.Tag -join ' ' | Should -Not -Match '9090'
        Assert-CopyIsWhole
    }

    It 'a plan that fails at each of its steps and rolls back never leaves a wrong copy' {
        $before = Get-IptablesDump
        $step = 0
        while ($true) {
            $step++
            $env:NETNSPS_TEST_FAIL_STEP = "$step"
            $failed = $false
            try { Publish-NsPort blue -InternalPort 80 -ExternalPort 8082 -ErrorAction Stop | Out-Null } catch { $failed = $true }
            finally { Remove-Item env:NETNSPS_TEST_FAIL_STEP }
            # Past its last step, the plan runs whole.
            if (-not $failed) { break }
            Get-IptablesDump | Should -Be $before -Because "step $step failed and was rolled back"
            Format-Snapshot $script:driver.Read($script:runner, [Threading.CancellationToken]::None) | Should -Be (Format-Snapshot (Read-Whole)) -Because "after a failure at step $step"
        }
        $step | Should -BeGreaterThan 4
        Assert-CopyIsWhole
        @(Read-Copy).Rules.Tag | Should -Contain 'netnsps:port:tcp:0.0.0.0:8082:blue:bridge0:dnat'
    }

    It 'a restore the kernel refuses in its last section: the sections it committed before are undone' {
        # One iptables-restore carries a publication's changes, a section per table, and commits them a section at a
        # time. A wrapper first on PATH hands the real iptables-restore its input with a jump to a missing chain put
        # into the last section: the kernel commits the sections before it and refuses that one.
        $real = (Get-Command iptables-restore -CommandType Application)[0].Source
        $dir = '/run/netnsps-test-refusing-restore'
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
        $wrapper = @(
            '#!/bin/sh'
            "cat > $dir/input"
            "awk 'FNR == NR { if (`$0 == ""COMMIT"") last = FNR; next } FNR == last { print ""-A INPUT -j NETNSPS-NO-SUCH-CHAIN"" } { print }' $dir/input $dir/input > $dir/refused"
            "exec $real `"`$@`" < $dir/refused"
        ) -join "`n"
        Set-Content -LiteralPath "$dir/iptables-restore" -Value $wrapper
        Invoke-Checked chmod +x "$dir/iptables-restore" | Out-Null
        $before = Get-IptablesDump
        $path = $env:PATH
        try {
            $env:PATH = "$($dir):$path"
            { Publish-NsPort blue -InternalPort 80 -ExternalPort 8083 -ErrorAction Stop } | Should -Throw "*NETNSPS-NO-SUCH-CHAIN*"
        } finally { $env:PATH = $path }
        # It was one restore of more than one section, and the kernel named the last one.
        @(Get-Content "$dir/input" | Where-Object { $_ -like '`**' }).Count | Should -BeGreaterThan 1
        Get-IptablesDump | Should -Be $before
        (& iptables-save) -join "`n" | Should -Not -Match 'dport 8083'
        Format-Snapshot $script:driver.Read($script:runner, [Threading.CancellationToken]::None) | Should -Be (Format-Snapshot (Read-Whole))
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8083 | Out-Null
        Assert-CopyIsWhole
    }

    It 'the port still answers after all of it: curl from localhost' {
        $web = Start-NsWebServer -Namespace red -Port 80
        try {
            Get-Page -Url 'http://127.0.0.1:8080/' | Should -Be 'hello from red'
        } finally { Stop-Process -Id $web.Id -ErrorAction SilentlyContinue }
    }

    It 'Clear-NetNsPS leaves no module rule, in a copy or in iptables' {
        Clear-NetNsPS -Confirm:$false | Out-Null
        $read = $script:driver.Read($script:runner, [Threading.CancellationToken]::None)
        @($read.Rules).Count | Should -Be 0
        Format-Snapshot $read | Should -Be (Format-Snapshot (Read-Whole))
        (& iptables-save) -join "`n" | Should -Not -Match 'NETNSPS'
    }
}

Describe 'iptables-legacy: no generation, every read is whole' -Skip:$skip {
    BeforeAll {
        Reset-Sandbox
        Set-IptablesAlternative legacy
        New-ArticleSetup
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
    }
    AfterAll {
        & iptables-legacy -w -t nat -F 2>$null; & iptables-legacy -w -t nat -X 2>$null
        & iptables-legacy -w -t filter -F 2>$null; & iptables-legacy -w -t filter -X 2>$null
        & umount /etc/alternatives 2>$null
    }

    It 'a read runs the save tools every time' {
        (& iptables -V) | Should -Match 'legacy'
        { Read-Copy } | Should -Throw '*broken for the test*'
        @(Read-Whole).Rules.Tag | Should -Contain 'netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat'
    }
}

Describe 'nftables driver on a Docker host: the iptables side is kept with the table' -Skip:$skipNft {
    BeforeAll {
        $script:nft = [NetNsPS.Linux.Firewall.Nftables.NftablesDriver]::Instance
        function Read-Nft { $script:nft.Read($script:runner, [Threading.CancellationToken]::None) }
        function Read-NftWhole {
            # A change of somebody else's moves the generation (by 2: a table made and deleted), so the read after it is whole.
            Invoke-Checked nft add table inet netnsps-test-bump | Out-Null
            Invoke-Checked nft delete table inet netnsps-test-bump | Out-Null
            Read-Nft
        }
        Reset-Sandbox
        Add-DockerHostFixture
        $script:docker = Get-IptablesDump
        New-ArticleSetup
        Enable-NsMasquerade bridge0 | Out-Null
        # The first plans put the FORWARD shim into iptables (iptables-restore beside libnftables): not kept.
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
    }

    It 'the fixture is a Docker host: FORWARD drops, and the module holds its shim there' {
        (& iptables -w -S FORWARD)[0] | Should -Be '-P FORWARD DROP'
        (& iptables -w -S FORWARD) | Should -Contain '-A FORWARD -j NETNSPS-FORWARD'
    }

    It 'after a publication of libnftables alone, the next read runs no iptables-save, and equals a whole read' {
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 | Out-Null
        $copy = Read-Copy -Driver $script:nft
        @($copy.Rules).Tag | Should -Contain 'netnsps:port:tcp:0.0.0.0:8081:blue:bridge0:dnat'
        Format-Snapshot $copy | Should -Be (Format-Snapshot (Read-NftWhole))
    }

    It 'a mapping published and unpublished on copies leaves neither copy of its forward accept' {
        Publish-NsPort blue -InternalPort 83 -ExternalPort 8083 | Out-Null
        { Read-Copy -Driver $script:nft } | Should -Not -Throw
        (& nft list ruleset) -join "`n" | Should -Match 'netnsps:port:tcp:0.0.0.0:8083:blue:bridge0:forward'
        Unpublish-NsPort -ExternalPort 8083
        # The table's element and the shim's rule are told apart by instance, in a copy as in a read.
        (& nft list ruleset) -join "`n" | Should -Not -Match ':8083:'
        (& iptables-save) -join "`n" | Should -Not -Match ':8083:'
        Format-Snapshot (Read-Copy -Driver $script:nft) | Should -Be (Format-Snapshot (Read-NftWhole))
    }

    It 'a rule Docker adds moves the generation: the next read is whole, and sees it' {
        # Another internal port: a second mapping to blue:80 would be a rule of its own (its set element is taken),
        # whose handle only a read learns.
        Publish-NsPort blue -InternalPort 82 -ExternalPort 8082 | Out-Null
        { Read-Copy -Driver $script:nft } | Should -Not -Throw
        Invoke-Checked iptables -w -t filter -A DOCKER-USER -i eth9 -j DROP | Out-Null
        { Read-Copy -Driver $script:nft } | Should -Throw '*broken for the test*'
        Invoke-Checked iptables -w -t filter -D DOCKER-USER -i eth9 -j DROP | Out-Null
    }

    It 'the ports answer, and teardown leaves the Docker rules as they were' {
        $web = Start-NsWebServer -Namespace red -Port 80
        try { Get-Page -Url 'http://127.0.0.1:8080/' | Should -Be 'hello from red' }
        finally { Stop-Process -Id $web.Id -ErrorAction SilentlyContinue }
        Get-NsPort | Unpublish-NsPort
        # Both copies of each forward accept go: the table's element and the shim's rule (told apart by instance).
        (& nft list ruleset) -join "`n" | Should -Not -Match 'netnsps:port:'
        @((Read-Nft).Rules | Where-Object { $_.Tag -like 'netnsps:port:*' }).Count | Should -Be 0
        Format-Snapshot (Read-Nft) | Should -Be (Format-Snapshot (Read-NftWhole))
        Clear-NetNsPS -Confirm:$false | Out-Null
        Get-IptablesDump | Should -Be $script:docker
    }
}
