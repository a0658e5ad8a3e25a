# The article's "Access the Internet from a network namespace" and "Hosts as routers".
# The internet is simulated: a namespace wan (198.51.100.1) behind the sandbox host (198.51.100.2).
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'Access the Internet from a network namespace' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        New-Wan
        $script:web = Start-NsWebServer -Namespace wan -Port 8000 -Bind 198.51.100.1 -LogPath /tmp/netnsps-wan.log
        $script:pristine = Get-FirewallDump
    }
    AfterAll {
        if ($script:web) { Stop-Process -Id $script:web.Id -ErrorAction SilentlyContinue }
    }

    It 'red cannot reach the internet without a default route' {
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeFalse
    }

    It 'adds the default route via the bridge (ip -n red route add default via 192.168.15.1 dev veth-red)' {
        $route = Add-NsRoute -Namespace red -NextHop 192.168.15.1 -InterfaceName veth-red
        $route.DestinationPrefix | Should -Be '0.0.0.0/0'
        (& ip -n red route show default) | Should -Match '^default via 192\.168\.15\.1 dev veth-red'
    }

    It 'still no internet: the host does not forward yet' {
        Get-IpForward | ForEach-Object Value | Should -Be '0'
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeFalse
    }

    It 'masquerades the bridge subnet (Get-NetBridge bridge0 | Enable-NsMasquerade)' {
        $m = Get-NetBridge bridge0 | Enable-NsMasquerade
        $m.Bridge | Should -Be 'bridge0'
        $m.SourcePrefix | Should -Be '192.168.15.0/24'
        if ((Get-FirewallDriverName) -eq 'nftables') {
            (& nft list chain inet netnsps nat-postrouting) -join "`n" | Should -Match 'oifname != "bridge0" ip saddr 192\.168\.15\.0/24 masquerade comment "netnsps:masq:bridge0"'
            (& nft list chain inet netnsps nat-postrouting) -join "`n" | Should -Match 'type nat hook postrouting priority srcnat; policy accept;'
            (& iptables-save) -match 'NETNSPS' | Should -BeNullOrEmpty -Because 'the nftables driver writes no iptables rule'
        } else {
            (& iptables -t nat -S NETNSPS-POSTROUTING) | Should -Contain '-A NETNSPS-POSTROUTING -s 192.168.15.0/24 ! -o bridge0 -m comment --comment "netnsps:masq:bridge0" -j MASQUERADE'
            (& iptables -t nat -S POSTROUTING) | Should -Contain '-A POSTROUTING -j NETNSPS-POSTROUTING'
        }
        (Get-NsMasquerade).SourcePrefix | Should -Be '192.168.15.0/24'
    }

    It 'with forwarding on, red reaches the internet (sysctl -w net.ipv4.ip_forward=1)' {
        $s = Enable-IpForward
        $s.Name | Should -Be 'net.ipv4.ip_forward'
        $s.Value | Should -Be '1'
        & sysctl -n net.ipv4.ip_forward | Should -Be '1'
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeTrue
    }

    It 'wan sees the host''s address 198.51.100.2 as the source, not red''s' {
        Get-Page -Namespace red -Url 'http://198.51.100.1:8000/' | Should -Be 'hello from wan'
        Start-Sleep -Milliseconds 200
        $log = Get-Content /tmp/netnsps-wan.log -Raw
        $log | Should -Match '198\.51\.100\.2 - - .*"GET / HTTP'
        $log | Should -Not -Match '192\.168\.15\.2'
    }

    It 'converges: enabling again adds no rule' {
        $before = Get-FirewallDump
        Enable-NsMasquerade bridge0 | Out-Null
        Enable-IpForward | Out-Null
        Get-FirewallDump | Should -Be $before
    }

    It 'takes an explicit -SourcePrefix and rejects one with host bits' {
        { Enable-NsMasquerade bridge0 -SourcePrefix 192.168.15.7/24 -ErrorAction Stop } | Should -Throw -ErrorId 'HostBitsSet,NetNsPS.Commands.EnableNsMasqueradeCommand'
    }

    It '-Persist writes /etc/sysctl.d/99-netnsps.conf; Disable-IpForward removes only that file' {
        Set-Content /etc/sysctl.d/50-other-tool.conf 'net.core.somaxconn=1024'
        (Enable-IpForward -Persist).PersistentPath | Should -Be '/etc/sysctl.d/99-netnsps.conf'
        Get-Content /etc/sysctl.d/99-netnsps.conf | Should -Contain 'net.ipv4.ip_forward=1'
        & sysctl -p /etc/sysctl.d/99-netnsps.conf | Should -Be 'net.ipv4.ip_forward = 1'
        Disable-IpForward
        Test-Path /etc/sysctl.d/99-netnsps.conf | Should -BeFalse
        Get-Content /etc/sysctl.d/50-other-tool.conf | Should -Be 'net.core.somaxconn=1024'
        (Get-IpForward).Value | Should -Be '0'
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeFalse
        Enable-IpForward | Out-Null
    }

    It 'a foreign 99-netnsps.conf is never overwritten' {
        Set-Content /etc/sysctl.d/99-netnsps.conf 'net.ipv4.ip_forward=0'
        { Enable-IpForward -Persist -ErrorAction Stop } | Should -Throw -ErrorId 'PersistFileNotOurs,NetNsPS.Commands.EnableIpForwardCommand'
        Disable-IpForward
        Get-Content /etc/sysctl.d/99-netnsps.conf | Should -Be 'net.ipv4.ip_forward=0'
        Remove-Item /etc/sysctl.d/99-netnsps.conf
        Enable-IpForward | Out-Null
    }

    It 'Enable-BridgeNetfilter sets bridge-nf-call-iptables; Get-BridgeNetfilter reads it' {
        & sysctl -q -w net.bridge.bridge-nf-call-iptables=0
        (Get-BridgeNetfilter).Value | Should -Be '0'
        $out = Invoke-ChildPwsh 'Enable-BridgeNetfilter -WhatIf'
        $out | Should -Contain 'What if: sysctl -w net.bridge.bridge-nf-call-iptables=1'
        (Enable-BridgeNetfilter).Value | Should -Be '1'
        & sysctl -n net.bridge.bridge-nf-call-iptables | Should -Be '1'
    }

    It 'Disable-NsMasquerade cuts red off and leaves iptables as before' {
        Get-NsMasquerade | Disable-NsMasquerade
        Test-Ping -Namespace red -Target 198.51.100.1 | Should -BeFalse
        Get-FirewallDump | Should -Be $script:pristine
        Disable-IpForward
        (Get-IpForward).Value | Should -Be '0'
    }
}
