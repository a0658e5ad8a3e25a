# The article's setup through the cmdlets only, on a host that runs firewalld (Debian's package, 1.3, nftables
# backend, default zone public, whose target rejects forwarded traffic: Start-FirewalldFixture runs the real daemon on
# a private bus inside the sandbox). New-NetBridge binds the bridge to firewalld's zone trusted at runtime, as netavark
# does with its subnets (a zone of the module's own would need --permanent and a reload, and a reload flushes every
# iptables rule). Every path of the article must work there (red <-> blue, host <-> red, red -> wan masqueraded, the
# published port from another machine, from localhost, from a sibling and by hairpin), an unpublished port must stay
# closed from outside, and the teardown through the cmdlets must leave the nft ruleset, iptables, firewalld's zones and
# the sysctls exactly as they were. Runs under either firewall driver.
BeforeDiscovery {
    $script:noFirewalld = foreach ($program in 'firewalld', 'firewall-cmd', 'dbus-daemon') {
        if (-not (Get-Command $program -ErrorAction SilentlyContinue)) { "$program is not installed (apt-get install firewalld)" }
    }
    $script:noFirewalld = @($script:noFirewalld)[0]
    if ($script:noFirewalld) { Write-Warning "65-FirewalldHost is skipped: $script:noFirewalld" }
}

BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Get-HostDump {
        # Get-StateDump without the chains firewalld makes for a zone when an interface first enters it (trusted, and
        # dmz, which one test binds a bridge to by hand): it keeps them, empty and unreferenced, after the last one
        # leaves (measured with 1.3.3; only a reload, which flushes every iptables rule, drops them). That they are
        # empty and unreferenced is checked on their own
        # (Assert-TrustedUnused); everything else in the dump, table inet firewalld's other chains included, compares.
        (Get-StateDump) -replace '(?m)^\tchain (filter|nat|mangle)_(IN|FWD|PRE|POST)_(trusted|dmz)(_(pre|log|deny|allow|post))? \{\n(.*\n)*?\t\}(\n|$)', ''
    }

    function Assert-TrustedUnused {
        $table = (& nft list table inet firewalld) -join "`n"
        $table | Should -Not -Match 'goto \w+_(trusted|dmz)\b'
        $table | Should -Not -Match 'bridge0'
        (& nft list chain inet firewalld filter_FWD_trusted_allow 2>$null) -join "`n" | Should -Not -Match 'accept'
    }

    function Wait-LinkLocal {
        # veth-wan-h's IPv6 link-local address comes a moment after the link is up (and is tentative during DAD): wait
        # for it, so the pristine dump does not miss it.
        foreach ($i in 1..100) {
            $v6 = @((& ip -j -6 addr show dev veth-wan-h | ConvertFrom-Json).addr_info)
            if ($v6.Count -gt 0 -and -not ($v6 | Where-Object tentative)) { return }
            Start-Sleep -Milliseconds 100
        }
    }

    function Start-Fixture {
        $fixture = Start-FirewalldFixture
        if ($fixture -is [string]) { throw $fixture }
        $fixture
    }
}

Describe 'The article on a firewalld host' -Skip:([bool]$script:noFirewalld) {
    BeforeAll {
        Reset-Sandbox
        $script:bridgeNf = Test-Path /proc/sys/net/bridge
        # Another tool's state from before firewalld started: a native nft table and an iptables rule.
        Invoke-Checked nft add table ip othertool | Out-Null
        Invoke-Checked nft add chain ip othertool forward '{ type filter hook forward priority 5; policy accept; }' | Out-Null
        Invoke-Checked iptables -w -t nat -A POSTROUTING -s 10.99.0.0/16 -j MASQUERADE | Out-Null
        $script:fixture = Start-Fixture
        New-Wan
        Invoke-Checked ip -n wan route add 192.168.15.0/24 via 198.51.100.2 | Out-Null
        Invoke-Checked ip route add default via 198.51.100.1 | Out-Null
        Invoke-Checked sysctl -q -w net.ipv4.ip_forward=1 | Out-Null
        if ($script:bridgeNf) { Invoke-Checked sysctl -q -w net.bridge.bridge-nf-call-iptables=1 | Out-Null }
        $script:wanWeb = Start-NsWebServer -Namespace wan -Port 8000 -Bind 198.51.100.1 -LogPath /tmp/netnsps-firewalld-wan.log
        Wait-LinkLocal
        $script:pristine = Get-HostDump
        $script:pristineZones = Get-FirewalldZones

        $started = [System.Diagnostics.Stopwatch]::StartNew()
        New-ArticleSetup
        $script:setupSeconds = $started.Elapsed.TotalSeconds
        'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
        Enable-NsMasquerade bridge0 | Out-Null
        $script:web = Start-NsWebServer -Namespace red -Port 80
        $script:hidden = Start-NsWebServer -Namespace red -Port 81 -LogPath /tmp/netnsps-firewalld-red81.log
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
    }
    AfterAll {
        foreach ($p in $script:web, $script:hidden, $script:wanWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
        Reset-Sandbox
        if ($script:fixture) { Stop-FirewalldFixture $script:fixture }
        & nft delete table ip othertool 2>$null
    }

    It 'the fixture is firewalld running: nftables backend, default zone public, its table inet firewalld' {
        Write-Host "firewalld came up in $($script:fixture.StartSeconds) s; New-ArticleSetup took $([Math]::Round($script:setupSeconds, 1)) s"
        & firewall-cmd --state | Should -Be 'running'
        & firewall-cmd --get-default-zone | Should -Be 'public'
        (& nft list tables) | Should -Contain 'table inet firewalld'
        # public rejects what it forwards (its target default), and trusted accepts.
        (& nft list chain inet firewalld filter_FWD_public) -join "`n" | Should -Match 'reject with icmpx admin-prohibited'
        (& firewall-cmd --info-zone=trusted) -join "`n" | Should -Match 'target: ACCEPT'
    }

    It 'firewalld''s start left other nft tables alone, and flushed iptables (so it must come first on a host)' {
        (& nft list tables) | Should -Contain 'table ip othertool'
        (& iptables-save -t nat) -join "`n" | Should -Not -Match '10\.99\.0\.0'
    }

    It 'New-NetBridge bound the bridge to firewalld''s zone trusted, at runtime only' {
        & firewall-cmd --get-zone-of-interface=bridge0 | Should -Be 'trusted'
        & firewall-cmd --permanent --get-zone-of-interface=bridge0 2>$null | Should -Not -Be 'trusted'
        (& nft list chain inet firewalld filter_FORWARD_ZONES) -join "`n" | Should -Match 'iifname "bridge0" goto filter_FWD_trusted'
        # -WhatIf prints the command to paste.
        Invoke-ChildPwsh 'New-NetBridge bridge9 -WhatIf' | Should -Contain 'What if: firewall-cmd --zone=trusted --add-interface=bridge9'
    }

    It 'red and blue reach each other (bridged frames pass firewalld''s forward chain through br_netfilter)' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
        Test-Ping -Namespace blue -Target 192.168.15.2 | Should -BeTrue
    }

    It 'the host and red reach each other' {
        Test-Ping -Target 192.168.15.2 | Should -BeTrue
        Test-Ping -Namespace red -Target 192.168.15.1 | Should -BeTrue
        Get-Page -Url 'http://192.168.15.2:80/' | Should -Be 'hello from red'
    }

    It 'red reaches wan, masqueraded to the host''s address' {
        $page, $log = Get-WanRequestLog -LogPath /tmp/netnsps-firewalld-wan.log
        $page | Should -Be 'hello from wan'
        # http.server logs the client: the host's address on wan's link, not red's.
        $log | Should -Match '198\.51\.100\.2 - - '
        $log | Should -Not -Match '192\.168\.15\.2 - - '
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

    It 'Get-NsDiagnostic: everything Ok, and it names firewalld and the zone NetNsPS bound the bridge to' {
        $all = @(Get-NsDiagnostic red)
        ($all | Where-Object Status -ne Ok | ForEach-Object { "$($_.Check): $($_.Observed)" }) | Should -BeNullOrEmpty
        ($all | Where-Object Check -eq 'firewalld').Observed | Should -Be 'firewall-cmd --state: running; bridge0 in zone trusted'
        ($all | Where-Object Check -eq 'other firewall tools').Observed | Should -BeLike 'firewalld (running; NetNsPS bound bridge0 to its zone trusted: New-NetBridge)*'
    }

    It 'without the binding (as after a firewall-cmd --reload) red loses wan; the diagnostic''s Fix is New-NetBridge, and it repairs it' {
        Invoke-Checked firewall-cmd --zone=trusted --remove-interface=bridge0 | Out-Null
        Get-Page -Namespace red -Url 'http://198.51.100.1:8000/' | Should -BeNullOrEmpty
        $check = Get-NsDiagnostic red | Where-Object Check -eq 'firewalld'
        $check.Status | Should -Be 'Warning'
        $check.Fix | Should -Be 'New-NetBridge bridge0'
        Invoke-Expression $check.Fix | Out-Null
        & firewall-cmd --get-zone-of-interface=bridge0 | Should -Be 'trusted'
        Get-Page -Namespace red -Url 'http://198.51.100.1:8000/' | Should -Be 'hello from wan'
        # Converged: run again, it changes nothing.
        Invoke-ChildPwsh 'New-NetBridge bridge0 -WhatIf' | Where-Object { $_ -like 'What if:*' } | Should -BeNullOrEmpty
    }

    It 'a bridge someone bound to another zone is left there' {
        Invoke-Checked ip link add bridge7 type bridge | Out-Null
        Invoke-Checked firewall-cmd --zone=dmz --add-interface=bridge7 | Out-Null
        New-NetBridge bridge7 | Out-Null
        & firewall-cmd --get-zone-of-interface=bridge7 | Should -Be 'dmz'
        Remove-NetBridge bridge7 -Confirm:$false
        & firewall-cmd --get-zone-of-interface=bridge7 | Should -Be 'dmz'
        Invoke-Checked firewall-cmd --zone=dmz --remove-interface=bridge7 | Out-Null
    }

    It 'a failure after the binding rolls it back' {
        # The last command (the address) fails: every one before it, the binding included, is undone.
        $steps = @(Invoke-ChildPwsh 'New-NetBridge bridge8 -IPAddress 10.8.0.1/24 -WhatIf' | Where-Object { $_ -like 'What if:*' })
        $steps | Should -Contain 'What if: firewall-cmd --zone=trusted --add-interface=bridge8'
        $env:NETNSPS_TEST_FAIL_STEP = "$($steps.Count)"
        try {
            { New-NetBridge bridge8 -IPAddress 10.8.0.1/24 -ErrorAction Stop } | Should -Throw
        } finally {
            Remove-Item Env:NETNSPS_TEST_FAIL_STEP
        }
        & ip link show bridge8 2>$null | Should -BeNullOrEmpty
        & firewall-cmd --get-zone-of-interface=bridge8 2>&1 | Should -Be 'no zone'
    }

    It 'teardown through the cmdlets leaves the host exactly as it was (nft, iptables, firewalld''s zones, sysctls)' {
        foreach ($p in $script:web, $script:hidden) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue; $p.WaitForExit() }
        Get-NsPort | Unpublish-NsPort
        Disable-NsMasquerade bridge0
        'red', 'blue' | ForEach-Object { Remove-NsRoute -Namespace $_ }
        Remove-VethPair red
        Remove-VethPair blue
        Remove-NetNamespace red, blue -Confirm:$false
        Remove-NetBridge bridge0 -Confirm:$false
        Get-FirewalldZones | Should -Be $script:pristineZones
        Assert-TrustedUnused
        $after = Get-HostDump
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
        Get-NetNsPSResidue | Should -BeNullOrEmpty
    }
}

Describe 'Clear-NetNsPS on a firewalld host' -Skip:([bool]$script:noFirewalld) {
    BeforeAll {
        Reset-Sandbox
        $script:fixture = Start-Fixture
        New-Wan
        Invoke-Checked ip route add default via 198.51.100.1 | Out-Null
        Wait-LinkLocal
        $script:pristine = Get-HostDump
        $script:pristineZones = Get-FirewalldZones
        Invoke-ArticleSetup | Out-Null
    }
    AfterAll {
        Reset-Sandbox
        if ($script:fixture) { Stop-FirewalldFixture $script:fixture }
    }

    It 'takes the bridge out of firewalld''s zone with the rest, and leaves firewalld as it was' {
        & firewall-cmd --get-zone-of-interface=bridge0 | Should -Be 'trusted'
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        Get-FirewalldZones | Should -Be $script:pristineZones
        & sysctl -q -w net.ipv4.ip_forward=0 | Out-Null   # Clear-NetNsPS leaves ip_forward on (it warns)
        Assert-TrustedUnused
        $after = Get-HostDump
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
    }
}
