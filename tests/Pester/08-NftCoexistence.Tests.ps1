# The nftables driver beside iptables: rules NetNsPS 0.1 (the iptables driver) left in NETNSPS-* chains, and an
# iptables FORWARD that drops (Docker's iptables mode sets policy DROP), with real traffic. Runs only where libnftables
# loads; sets NETNSPS_FIREWALL itself, whatever the run was started with.
BeforeDiscovery {
    Import-Module $env:NETNSPS_TEST_MODULE
    $script:noNft = -not [NetNsPS.Linux.Firewall.FirewallDrivers]::IsAvailable('nftables')
}

BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
    $script:startedWith = $env:NETNSPS_FIREWALL

    function Get-IptablesSaveText {
        # iptables-save as it is, but for its "# Generated ... on <date>" lines and the packet counters.
        ((& iptables-save) | Where-Object { $_ -notmatch '^#' } | ForEach-Object { $_ -replace '\[\d+:\d+\]', '[0:0]' }) -join "`n"
    }

    function Add-OtherNftTable {
        "add table inet othertool`nadd chain inet othertool input { type filter hook input priority 10; policy accept; }`nadd rule inet othertool input tcp dport 22 accept comment `"othertool ssh`"" | & nft -f -
    }
}

AfterAll {
    if ($null -eq $script:startedWith) { Remove-Item Env:NETNSPS_FIREWALL -ErrorAction SilentlyContinue } else { $env:NETNSPS_FIREWALL = $script:startedWith }
}

Describe 'Ports and masquerades NetNsPS 0.1 left in iptables, under the nftables driver' -Skip:$noNft {
    BeforeAll {
        Reset-Sandbox
        $env:NETNSPS_FIREWALL = 'iptables'
        Add-OtherNftTable
        $script:pristine = Get-IptablesDump
        $script:pristineNft = Get-NftDump

        New-ArticleSetup
        New-Wan
        'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
        Enable-IpForward | Out-Null
        $script:web = Start-NsWebServer -Namespace red -Port 80
        # What 0.1 made: outbound NAT and a published port, in NETNSPS-* chains.
        Enable-NsMasquerade bridge0 | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        $script:legacy = Get-IptablesDump
        $env:NETNSPS_FIREWALL = 'nftables'
    }
    AfterAll {
        if ($script:web) { Stop-Process -Id $script:web.Id -ErrorAction SilentlyContinue }
    }

    It 'the 0.1 rules are in iptables, and the nftables driver made no table' {
        (& iptables -t nat -S NETNSPS-PREROUTING) -join "`n" | Should -Match '--dport 8080 .* -j DNAT --to-destination 192\.168\.15\.2:80'
        (& nft list tables) -match 'netnsps' | Should -BeNullOrEmpty
    }

    It 'Get-NsPort and Get-NsMasquerade list them' {
        $m = Get-NsPort
        $m.ExternalPort | Should -Be 8080
        $m.Namespace | Should -Be 'red'
        $m.InternalIPAddress | Should -Be '192.168.15.2'
        $m.InternalPort | Should -Be 80
        (Get-NsMasquerade).SourcePrefix | Should -Be '192.168.15.0/24'
    }

    It 'the port still answers from another machine' {
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/' | Should -Be 'hello from red'
    }

    It 'publishing the same mapping again changes nothing: it is not published twice' {
        $before = Get-FirewallDump
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        Get-FirewallDump | Should -Be $before
        (& nft list tables) -match 'netnsps' | Should -BeNullOrEmpty
    }

    It 'publishing 8080 to another target is refused, naming the 0.1 mapping' {
        $err = $null
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8080 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PortAlreadyPublished,NetNsPS.Commands.PublishNsPortCommand'
        $err[0].Exception.Message | Should -Match 'red 192\.168\.15\.2:80'
        (& nft list tables) -match 'netnsps' | Should -BeNullOrEmpty
    }

    It 'Unpublish-NsPort removes it from iptables, with the settings it turned on' {
        Get-NsPort | Unpublish-NsPort
        Get-NsPort | Should -BeNullOrEmpty
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/' | Should -BeNullOrEmpty
        (& iptables-save) -match 'netnsps:port|netnsps:localnet' | Should -BeNullOrEmpty
        & sysctl -n net.ipv4.conf.bridge0.route_localnet | Should -Be '0'
        (Get-VethPair red).Hairpin | Should -BeFalse
    }

    It 'migrates by hand: publish again under nftables, and the port answers from the new table' {
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        (& nft list map inet netnsps nat-prerouting-any4) -join "`n" | Should -Match 'tcp \. 8080'
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/' | Should -Be 'hello from red'
        Unpublish-NsPort -ExternalPort 8080
    }

    It 'Disable-NsMasquerade removes the 0.1 masquerade: iptables is back to pristine' {
        Get-NsMasquerade | Disable-NsMasquerade
        Get-NsMasquerade | Should -BeNullOrEmpty
        Get-IptablesDump | Should -Be $script:pristine
        (& iptables-save) -match 'NETNSPS' | Should -BeNullOrEmpty
        Get-NftDump | Should -Be $script:pristineNft
    }

    It 'Clear-NetNsPS removes everything 0.1 made: rules, chains, jumps in every table' {
        $env:NETNSPS_FIREWALL = 'iptables'
        Enable-NsMasquerade bridge0 | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Get-IptablesDump | Should -Be $script:legacy
        $env:NETNSPS_FIREWALL = 'nftables'
        # A namespace is gone only once no process holds it.
        Stop-Process -Id $script:web.Id -ErrorAction SilentlyContinue
        $script:web = $null
        # A chain left empty by a killed run, in a table no rule uses any more.
        Invoke-Checked iptables -w -t raw -N NETNSPS-OUTPUT
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        (& iptables-save) -match 'NETNSPS|netnsps' | Should -BeNullOrEmpty
        Get-IptablesDump | Should -Be $script:pristine
        Get-NftDump | Should -Be $script:pristineNft
        Test-Path /run/netns/red | Should -BeFalse
    }
}

Describe 'iptables FORWARD policy DROP, as Docker''s iptables mode leaves it, under the nftables driver' -Skip:$noNft {
    BeforeAll {
        Reset-Sandbox
        $env:NETNSPS_FIREWALL = 'nftables'
        Add-OtherNftTable
        Invoke-Checked iptables -w -N DOCKER-USER
        Invoke-Checked iptables -w -A DOCKER-USER -j RETURN
        Invoke-Checked iptables -w -A FORWARD -j DOCKER-USER
        Invoke-Checked iptables -w -P FORWARD DROP
        $script:iptablesBefore = Get-IptablesSaveText
        $script:nftBefore = Get-NftDump

        New-ArticleSetup
        New-Wan
        'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
        Enable-IpForward | Out-Null
        $script:bridgeNf = Test-Path /proc/sys/net/bridge
        $script:webRed = Start-NsWebServer -Namespace red -Port 80
        $script:webBlue = Start-NsWebServer -Namespace blue -Port 80
    }
    AfterAll {
        foreach ($w in $script:webRed, $script:webBlue) { if ($w) { Stop-Process -Id $w.Id -ErrorAction SilentlyContinue } }
    }

    It 'Enable-NsMasquerade: red reaches wan, through a NETNSPS-FORWARD chain reached first from FORWARD after DOCKER-USER' {
        Enable-NsMasquerade bridge0 | Out-Null
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeTrue
        # Docker's jump to DOCKER-USER stays first (the user's own rules see every forwarded packet); the shim's is next.
        (& iptables -S FORWARD) | Select-Object -Index 1 | Should -Be '-A FORWARD -j DOCKER-USER'
        (& iptables -S FORWARD) | Select-Object -Index 2 | Should -Be '-A FORWARD -j NETNSPS-FORWARD'
        (& iptables -S FORWARD) | Should -Contain '-P FORWARD DROP'
        (& nft list chain inet netnsps nat-postrouting) -join "`n" | Should -Match 'masquerade comment "netnsps:masq:bridge0"'
        (& iptables-save -t nat) -match 'NETNSPS' | Should -BeNullOrEmpty -Because 'only forward accepts are copied into iptables'
    }

    It 'the shim is what lets it through: without its jump red is cut off, and a re-run puts the jump back' {
        Invoke-Checked iptables -w -D FORWARD -j NETNSPS-FORWARD
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeFalse
        Enable-NsMasquerade bridge0 | Out-Null
        (& iptables -S FORWARD) | Select-Object -Index 2 | Should -Be '-A FORWARD -j NETNSPS-FORWARD'
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeTrue
    }

    It 'Publish-NsPort: wan gets red''s page from 198.51.100.2:8080' {
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 | Out-Null
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/' | Should -Be 'hello from red'
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8081/' | Should -Be 'hello from blue'
    }

    It 'red and blue reach each other''s published port through the bridge (bridge netfilter on)' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        Enable-BridgeNetfilter | Out-Null
        Get-Page -Namespace blue -Url 'http://192.168.15.1:8080/' | Should -Be 'hello from red'
        Get-Page -Namespace red -Url 'http://192.168.15.1:8081/' | Should -Be 'hello from blue'
    }

    It 'NETNSPS-FORWARD holds exactly the module''s forward accepts, each tagged' {
        $shim = @((& iptables -S NETNSPS-FORWARD) | Where-Object { $_ -like '-A *' })
        Write-Host ("iptables-save with the shim:`n" + (((& iptables-save -t filter) -match 'FORWARD') -join "`n"))
        # New-ArticleSetup's New-NetBridge found FORWARD dropping: the bridge's own accepts are there too.
        $shim.Count | Should -Be 7
        $shim | Should -Contain '-A NETNSPS-FORWARD -i bridge0 -o bridge0 -m comment --comment "netnsps:bridge:bridge0:within" -j ACCEPT'
        $shim | Should -Contain '-A NETNSPS-FORWARD -i bridge0 ! -o bridge0 -m comment --comment "netnsps:masq:bridge0:out" -j ACCEPT'
        $shim | Should -Contain '-A NETNSPS-FORWARD -o bridge0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "netnsps:masq:bridge0:reply" -j ACCEPT'
        $shim | Should -Contain '-A NETNSPS-FORWARD -d 192.168.15.2/32 -o bridge0 -p tcp -m tcp --dport 80 -m comment --comment "netnsps:port:tcp:0.0.0.0:8080:red:bridge0:forward" -j ACCEPT'
        $shim | Should -Contain '-A NETNSPS-FORWARD -d 192.168.15.3/32 -o bridge0 -p tcp -m tcp --dport 80 -m comment --comment "netnsps:port:tcp:0.0.0.0:8081:blue:bridge0:forward" -j ACCEPT'
        @(Get-NsPort).Count | Should -Be 2 -Because 'a mapping with a copy in the shim is listed once'
    }

    It 'publishing again adds nothing' {
        $before = Get-FirewallDump
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        Get-FirewallDump | Should -Be $before
    }

    It 'unpublishing one port takes only its copy; removing the bridge takes the shim' {
        Unpublish-NsPort -ExternalPort 8080
        $shim = @((& iptables -S NETNSPS-FORWARD) | Where-Object { $_ -like '-A *' })
        $shim.Count | Should -Be 6
        $shim -match '8080' | Should -BeNullOrEmpty
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8081/' | Should -Be 'hello from blue'
        Get-NsPort | Unpublish-NsPort
        Disable-NsMasquerade bridge0
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeFalse
        # The bridge's accepts go with the bridge, and with them the shim.
        Remove-NetBridge bridge0 -Confirm:$false
        & iptables -S NETNSPS-FORWARD 2>$null | Should -BeNullOrEmpty
    }

    It 'teardown leaves iptables-save and nft list ruleset as they were' {
        Get-IptablesSaveText | Should -Be $script:iptablesBefore
        Get-NftDump | Should -Be $script:nftBefore
        (& iptables -S FORWARD) | Should -Contain '-P FORWARD DROP'
    }
}

# The driver keeps the table as last known under the ruleset generation (NFT_MSG_GETGEN) and skips the whole read while
# the generation is unchanged, in one process: these prove that what it keeps never outlives a change it did not make,
# nor a plan that was not applied.
Describe 'The nftables driver''s known table, in one process' -Skip:$noNft {
    BeforeAll {
        Reset-Sandbox
        $env:NETNSPS_FIREWALL = 'nftables'
        New-ArticleSetup
        Enable-IpForward | Out-Null
        $script:web = Start-NsWebServer -Namespace red -Port 80
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        function Get-Ports { @(Get-NsPort | ForEach-Object { "$($_.ExternalPort)->$($_.Namespace):$($_.InternalPort)" } | Sort-Object) }
    }
    AfterAll {
        if ($script:web) { Stop-Process -Id $script:web.Id -ErrorAction SilentlyContinue }
        Remove-ArticleSetup
    }

    It 'an element another program deletes is seen as gone at the next call, and a re-run puts it back' {
        Get-Ports | Should -Be @('8080->red:80')
        & nft delete element inet netnsps nat-prerouting-any4 '{ tcp . 8080 }'
        & nft delete element inet netnsps nat-output-any4 '{ tcp . 8080 }'
        Get-Ports | Should -BeNullOrEmpty
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Get-Ports | Should -Be @('8080->red:80')
        (& nft list map inet netnsps nat-output-any4) -join "`n" | Should -Match 'tcp \. 8080'
    }

    It 'a mapping another program adds is seen at the next call' {
        & nft add element inet netnsps nat-prerouting-any4 '{ tcp . 9090 comment "netnsps:port:tcp:0.0.0.0:9090:red:bridge0:dnat" : 192.168.15.2 . 90 }'
        Get-Ports | Should -Be @('8080->red:80', '9090->red:90')
        Unpublish-NsPort -ExternalPort 9090 | Out-Null
        Get-Ports | Should -Be @('8080->red:80')
    }

    It 'a -WhatIf publish leaves the next call''s view as the kernel has it' {
        Publish-NsPort red -InternalPort 80 -ExternalPort 8081 -WhatIf 6>$null | Out-Null
        Get-Ports | Should -Be @('8080->red:80')
        Publish-NsPort red -InternalPort 80 -ExternalPort 8081 | Out-Null
        Get-Ports | Should -Be @('8080->red:80', '8081->red:80')
        (& nft list map inet netnsps nat-prerouting-any4) -join "`n" | Should -Match 'tcp \. 8081'
    }

    It 'a publish rolled back by a failing step leaves the next call''s view as the kernel has it' {
        $env:NETNSPS_TEST_FAIL_STEP = '2'
        try { { Publish-NsPort red -InternalPort 80 -ExternalPort 8082 -ErrorAction Stop } | Should -Throw }
        finally { Remove-Item env:NETNSPS_TEST_FAIL_STEP }
        Get-Ports | Should -Be @('8080->red:80', '8081->red:80')
        Publish-NsPort red -InternalPort 80 -ExternalPort 8082 | Out-Null
        Get-Ports | Should -Be @('8080->red:80', '8081->red:80', '8082->red:80')
        Get-Page -Url http://192.168.15.1:8082/ | Should -Match 'red'
    }

    It 'unpublishing everything through the known table deletes the table' {
        8080, 8081, 8082 | ForEach-Object { Unpublish-NsPort -ExternalPort $_ | Out-Null }
        Get-Ports | Should -BeNullOrEmpty
        & nft list table inet netnsps 2>$null | Should -BeNullOrEmpty
    }
}
