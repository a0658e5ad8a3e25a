# Reliability 2-5: the whole article run twice changes nothing the second time; every multi-step cmdlet rolls back
# whatever step k fails; tearing down (cmdlet by cmdlet, or with Clear-NetNsPS) returns to the pristine state; and
# what another tool owns (rules, chains, a namespace, links, a sysctl file) is the same before, during and after.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Get-ObjectKey {
        # What identifies an output object, leaving out what only says how the kernel sees it right now
        # (operstate, the ports of a bridge, hairpin), which the first run of a setup is still building.
        param($InputObject)
        $keys = switch ($InputObject.GetType().Name) {
            'NetNamespace' { 'Name', 'Path' }
            'NetBridge' { 'Name', 'IPAddresses' }
            'VethPair' { 'Name', 'Namespace', 'PeerName', 'Bridge' }
            'SysctlSetting' { 'Name', 'Value', 'PersistentPath' }
            default { $InputObject.PSObject.Properties.Name }
        }
        $InputObject.GetType().Name + ' ' + (($keys | ForEach-Object { "$_=$($InputObject.$_ -join ',')" }) -join ' ')
    }

    function Test-RollbackEveryStep {
        # Runs Action with NETNSPS_TEST_FAIL_STEP=k for k = 1, 2, ... until it runs whole; after every failing k the
        # state must equal the state before the call. Counts one case per k; returns the failures (empty when all held).
        param([Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][scriptblock] $Action)
        $before = Get-StateDump
        $failures = [System.Collections.Generic.List[string]]::new()
        for ($k = 1; $k -le 60; $k++) {
            $env:NETNSPS_TEST_FAIL_STEP = "$k"
            try { $err = @(Invoke-Capture $Action) } finally { Remove-Item env:NETNSPS_TEST_FAIL_STEP }
            if ($err.Count -eq 0) { return , $failures.ToArray() }   # k is past the last step: it ran whole
            $after = Get-StateDump
            $injected = @($err | Where-Object { $_.Exception.Message -match 'injected fault' }).Count -ge 1
            $held = $injected -and $after -eq $before
            Add-ReliabilityResult -Kind 'Rollback' -Held $held
            if (-not $held) {
                $why = if (-not $injected) { "no injected fault reported: $($err[0].Exception.Message)" } else { Get-DumpDiff $before $after }
                $failures.Add("$Name, step $k failed: $why")
                return , $failures.ToArray()
            }
        }
        $failures.Add("$Name still failed at step 60")
        , $failures.ToArray()
    }
}

AfterAll {
    Write-ReliabilityTable -Title 'Idempotency, rollback, teardown, others'' state'
}

Describe 'Idempotency, rollback, teardown and others'' state' -Tag 'Reliability' {
    BeforeAll {
        Reset-Sandbox
        Add-OtherToolState
        $script:pristine = Get-StateDump
        $script:others = Get-OtherToolDump
    }

    Context 'The article twice' {
        BeforeAll {
            $script:run1 = @(Invoke-ArticleSetup)
            $script:dump1 = Get-StateDump
            $script:rules1 = @(& iptables-save | Where-Object { $_ -like '-A *' })
            $script:run2 = @(Invoke-ArticleSetup)
            $script:dump2 = Get-StateDump
            $script:rules2 = @(& iptables-save | Where-Object { $_ -like '-A *' })
        }

        It 'the second run changes nothing (equal dumps)' {
            Invoke-ReliabilityCase -Kind 'Idempotency' {
                $script:dump2 | Should -Be $script:dump1 -Because (Get-DumpDiff $script:dump1 $script:dump2)
            }
        }

        It 'the second run adds no rule' {
            Invoke-ReliabilityCase -Kind 'Idempotency' {
                $script:rules2.Count | Should -Be $script:rules1.Count
                $script:rules2 | Should -Be $script:rules1
            }
        }

        It 'the second run returns the same objects' {
            Invoke-ReliabilityCase -Kind 'Idempotency' {
                $script:run2.Count | Should -Be $script:run1.Count
                @($script:run2 | ForEach-Object { Get-ObjectKey $_ }) | Should -Be @($script:run1 | ForEach-Object { Get-ObjectKey $_ })
            }
        }

        It 'a third run returns exactly what the second returned and still changes nothing' {
            Invoke-ReliabilityCase -Kind 'Idempotency' {
                $run3 = @(Invoke-ArticleSetup)
                @($run3 | ForEach-Object { $_ | ConvertTo-Json -Compress -Depth 3 }) | Should -Be @($script:run2 | ForEach-Object { $_ | ConvertTo-Json -Compress -Depth 3 })
                Get-StateDump | Should -Be $script:dump1
            }
        }

        It 'on the converged state, -WhatIf of the whole setup announces no command' {
            Invoke-ReliabilityCase -Kind 'Idempotency' {
                $helpers = Join-Path $PSScriptRoot 'TestHelpers.psm1'
                $out = Invoke-ChildPwsh "Import-Module '$helpers'; `$WhatIfPreference = `$true; Invoke-ArticleSetup | Out-Null"
                @($out | Where-Object { $_ -like 'What if:*' }) | Should -BeNullOrEmpty
                Get-StateDump | Should -Be $script:dump1
            }
        }

        It 'what the other tool owns is unchanged by the setup' {
            Invoke-ReliabilityCase -Kind 'Others'' state' {
                Get-OtherToolDump | Should -Be $script:others
            }
        }

        It 'teardown through the cmdlets returns to the pristine state' {
            Invoke-ReliabilityCase -Kind 'Teardown' {
                Remove-ArticleSetup
                $now = Get-StateDump
                $now | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $now)
                Get-NetNsPSResidue | Should -BeNullOrEmpty
            }
        }

        It 'what the other tool owns is unchanged by the teardown' {
            Invoke-ReliabilityCase -Kind 'Others'' state' {
                Get-OtherToolDump | Should -Be $script:others
            }
        }
    }

    Context 'Every step of every multi-step cmdlet fails once' {
        # The article is built and torn down one cmdlet at a time; each cmdlet first fails at step 1, 2, ...
        # (rolling back each time), then runs whole and leaves the state for the next one.
        It 'setup: <Name>' -ForEach @(
            @{ Name = 'New-NetNamespace red'; Action = { New-NetNamespace red } }
            @{ Name = 'New-NetNamespace blue'; Action = { New-NetNamespace blue } }
            @{ Name = 'New-NetBridge bridge0 -IPAddress'; Action = { New-NetBridge bridge0 -IPAddress 192.168.15.1/24 } }
            @{ Name = 'Add-VethPair red -Bridge bridge0'; Action = { Add-VethPair red -Bridge bridge0 } }
            @{ Name = 'Add-VethPair blue -Bridge bridge0'; Action = { Add-VethPair blue -Bridge bridge0 } }
            @{ Name = 'Add-NsIPAddress (red)'; Action = { Add-NsIPAddress 192.168.15.2/24 -Namespace red } }
            @{ Name = 'Add-NsIPAddress (blue)'; Action = { Add-NsIPAddress 192.168.15.3/24 -Namespace blue } }
            @{ Name = 'Add-NsRoute (red)'; Action = { Add-NsRoute -Namespace red -NextHop 192.168.15.1 } }
            @{ Name = 'Add-NsRoute (blue)'; Action = { Add-NsRoute -Namespace blue -NextHop 192.168.15.1 } }
            @{ Name = 'Enable-NsMasquerade bridge0'; Action = { Enable-NsMasquerade bridge0 } }
            @{ Name = 'Enable-IpForward -Persist'; Action = { Enable-IpForward -Persist } }
            @{ Name = 'Enable-BridgeNetfilter'; Action = { Enable-BridgeNetfilter } }
            @{ Name = 'Publish-NsPort red 80 as 8080'; Action = { Publish-NsPort red -InternalPort 80 -ExternalPort 8080 } }
            @{ Name = 'Publish-NsPort blue 80 as 8081'; Action = { Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 } }
            @{ Name = 'Set-BridgeHairpin veth-blue-br off'; Action = { Set-BridgeHairpin veth-blue-br -Enabled $false } }
        ) {
            $failures = Test-RollbackEveryStep -Name $Name -Action $Action
            $failures | Should -BeNullOrEmpty
        }

        It 'another tool appends rules after the module''s jumps (their order must survive rollbacks)' {
            Invoke-Checked iptables -w -t nat -A PREROUTING -p tcp --dport 7777 -j ACCEPT
            Invoke-Checked iptables -w -t nat -A POSTROUTING -o other0 -j ACCEPT
            Invoke-Checked iptables -w -t filter -A FORWARD -o other0 -j ACCEPT
            Invoke-Checked iptables -w -t raw -A PREROUTING -i other0 -p udp -j ACCEPT
        }

        It 'teardown: <Name>' -ForEach @(
            @{ Name = 'Unpublish-NsPort 8081'; Action = { Unpublish-NsPort 8081 } }
            @{ Name = 'Disable-NsMasquerade bridge0'; Action = { Disable-NsMasquerade bridge0 } }
            @{ Name = 'Unpublish-NsPort 8080'; Action = { Unpublish-NsPort 8080 } }
            @{ Name = 'Disable-IpForward'; Action = { Disable-IpForward } }
            @{ Name = 'Remove-NsRoute (red)'; Action = { Remove-NsRoute -Namespace red } }
            @{ Name = 'Remove-NsIPAddress (blue)'; Action = { Remove-NsIPAddress 192.168.15.3 -Namespace blue } }
            @{ Name = 'Remove-VethPair red'; Action = { Remove-VethPair red } }
            @{ Name = 'Remove-NetNamespace red, blue'; Action = { Remove-NetNamespace red, blue -Confirm:$false } }
            @{ Name = 'Remove-NetBridge bridge0'; Action = { Remove-NetBridge bridge0 -Confirm:$false } }
        ) {
            $failures = Test-RollbackEveryStep -Name $Name -Action $Action
            $failures | Should -BeNullOrEmpty
        }

        It 'after the step-by-step teardown the state is pristine again (but for the rules the other tool added)' {
            Invoke-ReliabilityCase -Kind 'Teardown' {
                Invoke-Checked iptables -w -t nat -D PREROUTING -p tcp --dport 7777 -j ACCEPT
                Invoke-Checked iptables -w -t nat -D POSTROUTING -o other0 -j ACCEPT
                Invoke-Checked iptables -w -t filter -D FORWARD -o other0 -j ACCEPT
                Invoke-Checked iptables -w -t raw -D PREROUTING -i other0 -p udp -j ACCEPT
                $now = Get-StateDump
                $now | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $now)
            }
        }

        It 'what the other tool owns is unchanged after all those failures' {
            Invoke-ReliabilityCase -Kind 'Others'' state' {
                Get-OtherToolDump | Should -Be $script:others
            }
        }
    }

    Context 'Clear-NetNsPS' {
        BeforeAll {
            Invoke-ArticleSetup | Out-Null
            Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 | Out-Null
            $script:setUp = Get-StateDump
        }

        It '-WhatIf announces the removals and changes nothing' {
            Invoke-ReliabilityCase -Kind 'Teardown' {
                $out = Invoke-ChildPwsh 'Clear-NetNsPS -WhatIf'
                $whatIf = @($out | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring(9) })
                $whatIf | Should -Contain 'ip netns delete red'
                $whatIf | Should -Contain 'ip netns delete blue'
                $whatIf | Should -Contain 'ip link delete bridge0'
                # The module's firewall goes whole: its iptables chains, or its nftables table.
                $last = if ((Get-FirewallDriverName) -eq 'nftables') { 'nft delete table inet netnsps' } else { 'iptables -w -t nat -X NETNSPS-PREROUTING' }
                $whatIf | Should -Contain $last
                $whatIf | Should -Contain 'rm -f /etc/sysctl.d/99-netnsps.conf'
                ($whatIf -join "`n") | Should -Not -Match 'othertool|other0|OTHER'
                Get-StateDump | Should -Be $script:setUp
            }
        }

        It 'rolls back the firewall part whatever step fails, and removes nothing then' {
            $failures = Test-RollbackEveryStep -Name 'Clear-NetNsPS' -Action { Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue }
            $failures | Should -BeNullOrEmpty
        }

        It 'removes everything NetNsPS made; with forwarding off the state is pristine' {
            Invoke-ReliabilityCase -Kind 'Teardown' {
                Get-NetNsPSResidue | Should -BeNullOrEmpty
                Test-Path /run/netns/red | Should -BeFalse
                Test-Path /etc/sysctl.d/99-netnsps.conf | Should -BeFalse
                Disable-IpForward
                $now = Get-StateDump
                $now | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $now)
            }
        }

        It 'leaves the namespace, bridge and links it did not make' {
            Invoke-ReliabilityCase -Kind 'Others'' state' {
                Get-OtherToolDump | Should -Be $script:others
            }
        }

        It 'leaves a namespace and a bridge of the same names made by another tool' {
            Invoke-ReliabilityCase -Kind 'Others'' state' {
                Invoke-Checked ip netns add red
                Invoke-Checked ip link add bridge0 type bridge
                New-NetNamespace red | Out-Null          # converges on the existing one: does not claim it
                New-NetBridge bridge0 | Out-Null
                Clear-NetNsPS -Confirm:$false
                Test-Path /run/netns/red | Should -BeTrue
                & ip link show bridge0 *> $null
                $LASTEXITCODE | Should -Be 0
                Invoke-Checked ip netns delete red
                Invoke-Checked ip link delete bridge0
                $now = Get-StateDump
                $now | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $now)
            }
        }

        It 'on a clean state it does nothing' {
            Invoke-ReliabilityCase -Kind 'Teardown' {
                Clear-NetNsPS -Confirm:$false
                Get-StateDump | Should -Be $script:pristine
            }
        }
    }

    Context 'Remove-NetNamespace in a loop: the kernel frees the namespaces later, what looks next finds them gone' {
        BeforeAll {
            function Get-HostVeths { @(& ip -o link show type veth | ForEach-Object { ($_ -split ': ')[1] -replace '@.*' } | Where-Object { $_ -like 'veth-loop*' }) }
            function New-Loop {
                New-NetBridge brloop | Out-Null
                foreach ($i in 1..12) { New-NetNamespace "loop$i" | Add-VethPair -Bridge brloop | Out-Null }
                Get-HostVeths | Should -HaveCount 12
            }
        }
        AfterEach {
            Get-NetNamespace 'loop*' -ErrorAction SilentlyContinue | Remove-NetNamespace -Confirm:$false
            Remove-NetBridge brloop -Confirm:$false -ErrorAction SilentlyContinue
        }

        It 'a program run right after (ip) sees no host end left' {
            New-Loop
            foreach ($i in 1..12) { Remove-NetNamespace "loop$i" -Confirm:$false }
            Get-HostVeths | Should -BeNullOrEmpty
            & bridge link show | Where-Object { $_ -match 'brloop' } | Should -BeNullOrEmpty
        }

        It 'the next NetNsPS cmdlet finds the deleted namespaces gone whole: no port left on the bridge' {
            New-Loop
            foreach ($i in 1..12) { Remove-NetNamespace "loop$i" -Confirm:$false }
            (Get-NetBridge brloop).Ports | Should -BeNullOrEmpty
        }

        It 'the same pairs can be made again at once, one call after the other' {
            New-Loop
            foreach ($i in 1..12) {
                Remove-NetNamespace "loop$i" -Confirm:$false
                New-NetNamespace "loop$i" | Add-VethPair -Bridge brloop -ErrorAction Stop | Out-Null
            }
            (Get-NetBridge brloop).Ports | Sort-Object | Should -Be (1..12 | ForEach-Object { "veth-loop$_-br" } | Sort-Object)
        }
    }
}
