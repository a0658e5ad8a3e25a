# The article's "Network namespaces communication": addresses on the veth ends, then red pings blue.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'Network namespaces communication' {
    BeforeAll {
        Reset-Sandbox
        New-NetNamespace red, blue | Out-Null
        New-NetBridge bridge0 | Out-Null
        'red', 'blue' | Add-VethPair -Bridge bridge0 | Out-Null
    }

    It 'red cannot reach blue before the addresses are there' {
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeFalse
    }

    It 'adds 192.168.15.2/24 to veth-red and 192.168.15.3/24 to veth-blue' {
        $red = Add-NsIPAddress 192.168.15.2/24 -Namespace red -InterfaceName veth-red
        $blue = Add-NsIPAddress 192.168.15.3 -PrefixLength 24 -Namespace blue   # the namespace's only interface
        $red.IPAddress | Should -Be '192.168.15.2'
        $red.PrefixLength | Should -Be 24
        $blue.InterfaceName | Should -Be 'veth-blue'
        $addr = (& ip -n red -j addr show veth-red | ConvertFrom-Json).addr_info | Where-Object family -eq inet
        "$($addr.local)/$($addr.prefixlen)" | Should -Be '192.168.15.2/24'
    }

    It 'red pings blue (ip netns exec red ping 192.168.15.3)' {
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
        Test-Ping -Namespace blue -Target 192.168.15.2 | Should -BeTrue
    }

    It 'Invoke-NsCommand runs ping inside red and returns its lines' {
        # '--' ends PowerShell's parameters, so ping's own -c and -W reach ping.
        $lines = Invoke-NsCommand red -- ping -c 1 -W 1 192.168.15.3
        ($lines -join "`n") | Should -Match '(?m)^1 packets transmitted, 1 received, 0% packet loss'
    }

    It 'Invoke-NsCommand reports a failing program with its exit code' {
        $err = $null
        Invoke-NsCommand red -ErrorVariable err -ErrorAction SilentlyContinue -- ping -c 1 -W 1 192.168.15.99 | Out-Null
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'NativeCommandFailed,NetNsPS.Commands.InvokeNsCommandCommand'
        $err[0].Exception.Message | Should -Match 'exited with code 1'
    }

    It 'the kernel added the scope-link route 192.168.15.0/24 dev veth-red (Get-NsRoute)' {
        $route = Get-NsRoute -Namespace red | Where-Object DestinationPrefix -eq '192.168.15.0/24'
        $route.InterfaceName | Should -Be 'veth-red'
        $route.Scope | Should -Be 'link'
        $route.NextHop | Should -BeNullOrEmpty
        (Get-NsRoute -Namespace blue -DestinationPrefix 192.168.15.0/24).InterfaceName | Should -Be 'veth-blue'
        & ip -n red route show | Should -Contain '192.168.15.0/24 dev veth-red proto kernel scope link src 192.168.15.2 '
    }

    It 'the whole chain pipes: New-NetNamespace | Add-VethPair | Add-NsIPAddress' {
        $a = New-NetNamespace green | Add-VethPair -Bridge bridge0 | Add-NsIPAddress 192.168.15.4/24
        $a.Namespace | Should -Be 'green'
        $a.InterfaceName | Should -Be 'veth-green'
        Test-Ping -Namespace green -Target 192.168.15.2 | Should -BeTrue
    }

    It 'adding the same address again converges' {
        $before = Get-StateDump
        $again = Add-NsIPAddress 192.168.15.2/24 -Namespace red
        $again.IPAddress | Should -Be '192.168.15.2'
        Get-StateDump | Should -Be $before
    }

    It 'Get-NsIPAddress lists addresses, Remove-NsIPAddress takes them from the pipeline' {
        (Get-NsIPAddress -Namespace green).IPAddress | Should -Be @('127.0.0.1', '192.168.15.4')
        Get-NsIPAddress 192.168.15.4 -Namespace green | Remove-NsIPAddress
        Get-NsIPAddress 192.168.15.4 -Namespace green | Should -BeNullOrEmpty
        Test-Ping -Namespace green -Target 192.168.15.2 | Should -BeFalse
        (Get-NsIPAddress -Namespace '*' -IPAddress '192.168.15.*').Namespace | Sort-Object | Should -Be @('blue', 'red')
    }
}
