# IPv6 dual stack through the cmdlets, under the firewall driver NETNSPS_FIREWALL picks: the article's namespaces get
# 2001:db8:15::/64 beside 192.168.15.0/24, a wan namespace on 2001:db8:100::/64 plays the internet, and every path is
# proved with real traffic from tools that are not ours (ping, curl, python's http.server).
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Build-DualStack {
        New-ArticleSetup
        Add-NsIPAddress 2001:db8:15::1/64 -InterfaceName bridge0 | Out-Null
        Add-NsIPAddress 2001:db8:15::2/64 -Namespace red | Out-Null
        Add-NsIPAddress 2001:db8:15::3/64 -Namespace blue | Out-Null
        foreach ($ns in 'red', 'blue') {
            Add-NsRoute -Namespace $ns -NextHop 192.168.15.1 | Out-Null
            Add-NsRoute -Namespace $ns -NextHop 2001:db8:15::1 | Out-Null
        }
        New-Wan -Ipv6
        Enable-IpForward -AddressFamily IPv4, IPv6 | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
    }

    function Remove-DualStack {
        Get-NsPort | Unpublish-NsPort
        Get-NsMasquerade | Disable-NsMasquerade
        Disable-IpForward -AddressFamily IPv4, IPv6
        'red', 'blue' | ForEach-Object { Remove-NsRoute -Namespace $_ }
        Remove-NetNamespace red, blue -Confirm:$false
        Remove-NetBridge bridge0 -Confirm:$false
        # The link first: deleting it is synchronous, where a namespace's links go after `ip netns delete` returns.
        & ip link delete veth-wan-h
        & ip netns delete wan
    }
}

Describe 'IPv6 dual stack' {
    BeforeAll {
        Reset-Sandbox
        $script:pristine = Get-StateDump
        Build-DualStack
        $script:published = @(Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningVariable script:publishWarnings -WarningAction SilentlyContinue)
        $script:web = Start-NsWebServer -Namespace red -Bind '::'
        $script:wanWeb = Start-NsWebServer -Namespace wan -Bind '::' -LogPath '/tmp/netnsps-wan-ipv6.log'
    }
    AfterAll {
        foreach ($p in $script:web, $script:wanWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
    }

    It 'publishes both families of a dual-stack namespace with one Publish-NsPort' {
        $script:published.Count | Should -Be 2
        $script:published.ExternalIPAddress | Should -Be @('0.0.0.0', '::')
        $script:published.InternalIPAddress | Should -Be @('192.168.15.2', '2001:db8:15::2')
        (Get-NsPort).Count | Should -Be 2
    }

    It 'red and blue reach each other over IPv6' {
        Test-Ping -Namespace red -Target 2001:db8:15::3 | Should -BeTrue
        Test-Ping -Namespace blue -Target 2001:db8:15::2 | Should -BeTrue
    }

    It 'the host and red reach each other over IPv6' {
        Test-Ping -Target 2001:db8:15::2 | Should -BeTrue
        Test-Ping -Namespace red -Target 2001:db8:15::1 | Should -BeTrue
    }

    It 'red reaches wan through masquerade: wan sees the host''s address, not red''s' {
        Get-Page -Namespace red -Url 'http://[2001:db8:100::1]/' | Should -Be 'hello from wan'
        $log = Get-Content '/tmp/netnsps-wan-ipv6.log' -Raw
        $log | Should -Match '2001:db8:100::2 - -'
        $log | Should -Not -Match '2001:db8:15::2'
    }

    It 'the published port answers over IPv6 from wan (another machine)' {
        Get-Page -Namespace wan -Url 'http://[2001:db8:100::2]:8080/' | Should -Be 'hello from red'
    }

    It 'the published port answers over IPv6 from blue (a sibling) and from red itself (hairpin)' {
        Get-Page -Namespace blue -Url 'http://[2001:db8:15::1]:8080/' | Should -Be 'hello from red'
        Get-Page -Namespace red -Url 'http://[2001:db8:15::1]:8080/' | Should -Be 'hello from red'
    }

    It 'the host reaches the IPv6 mapping on its own addresses; [::1] is not published, and the warning says so' {
        Get-Page -Url 'http://[2001:db8:100::2]:8080/' | Should -Be 'hello from red'
        Get-Page -Url 'http://[2001:db8:15::1]:8080/' | Should -Be 'hello from red'
        Get-Page -Url 'http://127.0.0.1:8080/' | Should -Be 'hello from red'
        Get-Page -Url 'http://[::1]:8080/' | Should -BeNullOrEmpty
        ($script:publishWarnings -join "`n") | Should -Match 'no route_localnet for IPv6'
    }

    It 'an unpublished port stays closed from wan over IPv6' {
        Get-Page -Namespace wan -Url 'http://[2001:db8:100::2]:8081/' | Should -BeNullOrEmpty
    }

    It 'Test-NsConnection tests ICMPv6 echo and TCP over IPv6' {
        $r = Test-NsConnection -Namespace blue 2001:db8:15::2 -Port 80
        $r.PingSucceeded | Should -BeTrue
        $r.TcpTestSucceeded | Should -BeTrue
        $r.SourceAddress | Should -Be '2001:db8:15::3'
        (Test-NsConnection -Namespace blue 2001:db8:15::99 -TimeoutSeconds 1).PingSucceeded | Should -BeFalse
    }

    It 'a re-run changes nothing' {
        $before = Get-StateDump
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        Add-NsIPAddress 2001:db8:15::2/64 -Namespace red | Out-Null
        Add-NsRoute -Namespace red -NextHop 2001:db8:15::1 | Out-Null
        Enable-IpForward -AddressFamily IPv6 | Out-Null
        Get-StateDump | Should -Be $before
    }

    It 'link-local addresses and routes are shown apart' {
        (Get-NsIPAddress -Namespace red).IPAddress | Should -Not -Match '^fe80:'
        @((Get-NsIPAddress -Namespace red -IncludeLinkLocal -AddressFamily IPv6).IPAddress -like 'fe80:*').Count | Should -Be 1
        (Get-NsIPAddress -Namespace red -AddressFamily IPv6).IPAddress | Should -Be @('2001:db8:15::2')
        (Get-NsIPAddress -Namespace red -AddressFamily IPv6 -IncludeLinkLocal).IPAddress | Should -Contain '::1'
        (Get-NsRoute -Namespace red).DestinationPrefix | Should -Contain '::/0'
        (Get-NsRoute -Namespace red).DestinationPrefix | Should -Not -Contain 'fe80::/64'
        (Get-NsRoute -Namespace red -IncludeLinkLocal).DestinationPrefix | Should -Contain 'fe80::/64'
        (Get-NetNamespace red).IPAddresses | Should -Contain '2001:db8:15::2/64'
    }

    It 'Get-NsDiagnostic checks the IPv6 paths, explains [::1], and its fix for a failed check is a cmdlet that repairs it' {
        $d = @(Get-NsDiagnostic red | Where-Object Check -Like 'IPv6*')
        $d.Check | Should -Be @('IPv6 address', 'IPv6 default route', 'IPv6 forwarding', 'IPv6 rules tcp/8080', 'IPv6 localhost tcp/8080', 'IPv6 bridge netfilter')
        $d | Where-Object Status -NE 'Ok' | Should -BeNullOrEmpty
        ($d | Where-Object Check -EQ 'IPv6 localhost tcp/8080').Why | Should -Match 'no route_localnet for IPv6'
        Disable-IpForward -AddressFamily IPv6
        $failed = Get-NsDiagnostic red | Where-Object Check -EQ 'IPv6 forwarding'
        $failed.Status | Should -Be 'Failed'
        $failed.Fix | Should -Be 'Enable-IpForward -AddressFamily IPv6'
        Invoke-Expression $failed.Fix | Out-Null
        (Get-NsDiagnostic red | Where-Object Check -EQ 'IPv6 forwarding').Status | Should -Be 'Ok'
        Get-Page -Namespace wan -Url 'http://[2001:db8:100::2]:8080/' | Should -Be 'hello from red'
    }

    It '-WhatIf prints the exact ip -6 and firewall commands' {
        $out = Invoke-ChildPwsh @'
Add-NsIPAddress 2001:db8:15::9/64 -Namespace blue -WhatIf
Add-NsRoute -Namespace blue -DestinationPrefix 2001:db8:99::/64 -NextHop 2001:db8:15::1 -WhatIf
Publish-NsPort blue -InternalPort 80 -ExternalPort 9090 -ExternalIPAddress 2001:db8:100::2 -WhatIf
'@
        $whatIf = @($out | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring(9) })
        $whatIf | Should -Contain 'ip -n blue addr add 2001:db8:15::9/64 dev veth-blue nodad'
        $whatIf | Should -Contain 'ip -n blue -6 route add 2001:db8:99::/64 via 2001:db8:15::1'
        $firewall = if ((Get-FirewallDriverName) -eq 'nftables') {
            "nft add element inet netnsps nat-prerouting-host6 '{ 2001:db8:100::2 . tcp . 9090 comment ""netnsps:port:tcp:[2001:db8:100::2]:9090:blue:bridge0:dnat"" : 2001:db8:15::3 . 80 }'"
        } else {
            "ip6tables -w -t nat -A NETNSPS-PREROUTING -d 2001:db8:100::2/128 -p tcp -m tcp --dport 9090 -m comment --comment 'netnsps:port:tcp:[2001:db8:100::2]:9090:blue:bridge0:dnat' -j DNAT --to-destination '[2001:db8:15::3]:80'"
        }
        $whatIf | Should -Contain $firewall
        (Get-NsPort).Count | Should -Be 2
    }

    It 'teardown through the cmdlets gives back ip6tables, the nft ruleset and the sysctls as they were' {
        # Gone for good before their namespaces go: a process still inside keeps its namespace, and the veth, alive.
        foreach ($p in $script:web, $script:wanWeb) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue; $p.WaitForExit(5000) | Out-Null }
        $script:web = $script:wanWeb = $null
        Remove-DualStack
        $after = Wait-StateDump $script:pristine
        $after | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $after)
        Get-NetNsPSResidue | Should -BeNullOrEmpty
        @(& ip6tables-save 2>$null | Where-Object { $_ -match 'NETNSPS|netnsps' }) | Should -BeNullOrEmpty
    }
}

Describe 'IPv6 input errors and duplicate address detection' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
    }

    It 'refuses <Why> with <Id>' -ForEach @(
        @{ Why = 'a zone id'; Id = 'InvalidIPAddress'; Call = { Add-NsIPAddress 'fe80::1%veth-red/64' -Namespace red } }
        @{ Why = 'a prefix above 128'; Id = 'InvalidPrefixLength'; Call = { Add-NsIPAddress 2001:db8:15::2/129 -Namespace red } }
        @{ Why = 'mixed families in one route'; Id = 'AddressFamilyMismatch'; Call = { Add-NsRoute -Namespace red -DestinationPrefix 10.9.0.0/16 -NextHop 2001:db8:15::1 } }
        @{ Why = 'a next hop in brackets'; Id = 'InvalidIPAddress'; Call = { Add-NsRoute -Namespace red -NextHop '[2001:db8:15::1]' } }
        @{ Why = 'a masquerade prefix with host bits'; Id = 'HostBitsSet'; Call = { Enable-NsMasquerade bridge0 -SourcePrefix 2001:db8:15::1/64 } }
    ) {
        $before = Get-StateDump
        $err = $null
        try {
            $ErrorActionPreference = 'Stop'
            & $Call | Out-Null
        } catch {
            $err = $_
        } finally {
            $ErrorActionPreference = 'Continue'
        }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,NetNsPS.Commands.*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ScriptStackTrace | Should -Not -Match 'NetNsPS\.'
        Get-StateDump | Should -Be $before
    }

    It 'Add-NsIPAddress -DuplicateAddressDetection waits for DAD, and a duplicate is removed again and reported' {
        Add-NsIPAddress 2001:db8:15::2/64 -Namespace red | Out-Null
        $ok = Add-NsIPAddress 2001:db8:15::3/64 -Namespace blue -DuplicateAddressDetection
        $ok.IPAddress | Should -Be '2001:db8:15::3'
        (& ip -n blue -j addr show dev veth-blue | ConvertFrom-Json).addr_info.Where({ $_.local -eq '2001:db8:15::3' }).tentative | Should -BeNullOrEmpty
        $err = $null
        Add-NsIPAddress 2001:db8:15::2/64 -Namespace blue -InterfaceName veth-blue -DuplicateAddressDetection -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DuplicateAddress,*'
        (& ip -n blue -j addr show dev veth-blue | ConvertFrom-Json).addr_info.local | Should -Not -Contain '2001:db8:15::2'
    }

    It 'an IPv6 address is usable at once without -DuplicateAddressDetection (nodad)' {
        Add-NsIPAddress 2001:db8:15::1/64 -InterfaceName bridge0 | Out-Null
        Add-NsIPAddress 2001:db8:15::7/64 -Namespace red | Out-Null
        Test-Ping -Namespace red -Target 2001:db8:15::1 | Should -BeTrue
    }
}

Describe 'IPv6 forwarding and router advertisements' {
    BeforeAll {
        Reset-Sandbox
        $script:pristine = Get-StateDump
        # An uplink that takes its default route from router advertisements, as a laptop's does.
        Invoke-Checked ip link add up0 type veth peer name up1
        Invoke-Checked ip link set up0 up
        Invoke-Checked ip link set up1 up
        Invoke-Checked sysctl -q -w net.ipv6.conf.up0.accept_ra=1
        Invoke-Checked ip -6 route add default via fe80::1 dev up0 proto ra
    }
    AfterAll {
        & ip link delete up0 2>$null
    }

    It 'Enable-IpForward -AddressFamily IPv6 turns forwarding on, keeps the uplink taking advertisements, and says so' {
        $setting = Enable-IpForward -AddressFamily IPv6 -WarningVariable warnings -WarningAction SilentlyContinue
        $setting.Name | Should -Be 'net.ipv6.conf.all.forwarding'
        $setting.Value | Should -Be '1'
        Read-Sysctl net.ipv6.conf.all.forwarding | Should -Be '1'
        Read-Sysctl net.ipv6.conf.up0.accept_ra | Should -Be '2'
        ($warnings -join ' ') | Should -Match 'accept_ra is now 2'
        (Get-IpForward -AddressFamily IPv4, IPv6).Name | Should -Be @('net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding')
    }

    It 'Disable-IpForward -AddressFamily IPv6 puts forwarding and accept_ra back' {
        Disable-IpForward -AddressFamily IPv6
        Read-Sysctl net.ipv6.conf.all.forwarding | Should -Be '0'
        Read-Sysctl net.ipv6.conf.up0.accept_ra | Should -Be '1'
    }

    It 'leaves forwarding on where it was on before NetNsPS' {
        Invoke-Checked sysctl -q -w net.ipv6.conf.all.forwarding=1
        Enable-IpForward -AddressFamily IPv6 -WarningAction SilentlyContinue | Out-Null
        Disable-IpForward -AddressFamily IPv6
        Read-Sysctl net.ipv6.conf.all.forwarding | Should -Be '1'
        Invoke-Checked sysctl -q -w net.ipv6.conf.all.forwarding=0
    }

    It '-Persist writes a file of its own, which Disable-IpForward removes' {
        Enable-IpForward -AddressFamily IPv6 -Persist -WarningAction SilentlyContinue | Out-Null
        Get-Content /etc/sysctl.d/99-netnsps-ipv6.conf | Should -Contain 'net.ipv6.conf.all.forwarding=1'
        Get-Content /etc/sysctl.d/99-netnsps-ipv6.conf | Should -Contain 'net.ipv6.conf.up0.accept_ra=2'
        Test-Path /etc/sysctl.d/99-netnsps.conf | Should -BeFalse
        Disable-IpForward -AddressFamily IPv6
        Test-Path /etc/sysctl.d/99-netnsps-ipv6.conf | Should -BeFalse
        & ip link delete up0
        Get-StateDump | Should -Be $script:pristine
    }
}
