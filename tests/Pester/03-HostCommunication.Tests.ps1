# The article's "Network namespaces and host communication": an address on bridge0 makes the host a neighbour.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'Network namespaces and host communication' {
    BeforeAll {
        Reset-Sandbox
        New-NetNamespace red, blue | Out-Null
        New-NetBridge bridge0 | Out-Null
        'red', 'blue' | Add-VethPair -Bridge bridge0 | Out-Null
        Add-NsIPAddress 192.168.15.2/24 -Namespace red | Out-Null
        Add-NsIPAddress 192.168.15.3/24 -Namespace blue | Out-Null
    }

    It 'the host cannot reach red while bridge0 has no address' {
        Test-Ping -Target 192.168.15.2 | Should -BeFalse
    }

    It 'ip addr add 192.168.15.1/24 dev bridge0, through Add-NsIPAddress' {
        $a = Get-NetBridge bridge0 | Add-NsIPAddress 192.168.15.1/24
        $a.Namespace | Should -BeNullOrEmpty
        $a.InterfaceName | Should -Be 'bridge0'
        (Get-NetBridge bridge0).IPAddresses | Should -Be @('192.168.15.1/24')
    }

    It 'the host reaches red and blue (ping 192.168.15.2)' {
        Test-Ping -Target 192.168.15.2 | Should -BeTrue
        Test-Ping -Target 192.168.15.3 | Should -BeTrue
    }

    It 'red reaches the host through the bridge address (ip netns exec red ping 192.168.15.1)' {
        Test-Ping -Namespace red -Target 192.168.15.1 | Should -BeTrue
    }

    It 'the host has the scope-link route to the namespaces via bridge0' {
        $route = Get-NsRoute -DestinationPrefix 192.168.15.0/24
        $route.InterfaceName | Should -Be 'bridge0'
        $route.Scope | Should -Be 'link'
    }

    It 'New-NetBridge -IPAddress does the same in one step, and converges' {
        $b = New-NetBridge bridge1 -IPAddress 10.88.0.1/16
        $b.IPAddresses | Should -Be @('10.88.0.1/16')
        $b.State | Should -Not -BeNullOrEmpty
        $before = Get-StateDump
        (New-NetBridge bridge1 -IPAddress 10.88.0.1/16).IPAddresses | Should -Be @('10.88.0.1/16')
        Get-StateDump | Should -Be $before
        Remove-NetBridge bridge1 -Confirm:$false
        Get-NetBridge bridge1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'a default route via the bridge address: Add-NsRoute, converging, then Remove-NsRoute' {
        $r = Add-NsRoute -Namespace red -NextHop 192.168.15.1
        $r.DestinationPrefix | Should -Be '0.0.0.0/0'
        $r.NextHop | Should -Be '192.168.15.1'
        $r.InterfaceName | Should -Be 'veth-red'
        & ip -n red route show default | Should -Match '^default via 192\.168\.15\.1 dev veth-red'
        (Add-NsRoute -Namespace red -DestinationPrefix default -NextHop 192.168.15.1).NextHop | Should -Be '192.168.15.1'
        @(& ip -n red route show default).Count | Should -Be 1
        Get-NsRoute -Namespace red -DestinationPrefix default | Remove-NsRoute
        & ip -n red route show default | Should -BeNullOrEmpty
    }

    It 'a different route to the same prefix is a conflict, not a silent change' {
        Add-NsRoute -Namespace blue -NextHop 192.168.15.1 | Out-Null
        $err = $null
        Add-NsRoute -Namespace blue -NextHop 192.168.15.2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RouteExists,NetNsPS.Commands.AddNsRouteCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        (& ip -n blue route show default) | Should -Match 'via 192\.168\.15\.1 '
    }
}
