# The module changes and reads the kernel over rtnetlink by default; NETNSPS_BACKEND=iproute2 spawns `ip`
# for the same commands. Both must leave exactly the same state, and read it back the same.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Build-Article {
        New-ArticleSetup
        'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
        Add-NsRoute -Namespace red -DestinationPrefix 10.9.0.0/16 -NextHop 192.168.15.3 -InterfaceName veth-red | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Set-BridgeHairpin veth-blue-br | Out-Null
    }

    function Read-Back {
        @(
            Get-NetNamespace | ConvertTo-Json -Compress
            Get-NetBridge | ConvertTo-Json -Compress
            Get-VethPair | Select-Object * -ExcludeProperty State | ConvertTo-Json -Compress
            Get-NsIPAddress -Namespace * | ConvertTo-Json -Compress
            Get-NsRoute -Namespace * | ConvertTo-Json -Compress
            Get-NsRoute | ConvertTo-Json -Compress
        ) -join "`n"
    }
}

Describe 'rtnetlink and iproute2 backends' {
    AfterAll { Remove-Item env:NETNSPS_BACKEND -ErrorAction SilentlyContinue }

    It 'build the same state and read it back the same' {
        Reset-Sandbox
        Remove-Item env:NETNSPS_BACKEND -ErrorAction SilentlyContinue
        Build-Article
        $nativeDump = Get-StateDump
        $nativeRead = Read-Back

        Reset-Sandbox
        $env:NETNSPS_BACKEND = 'iproute2'
        Build-Article
        $iprouteDump = Get-StateDump
        $iprouteRead = Read-Back
        Remove-Item env:NETNSPS_BACKEND

        # Interface numbers (and `bridge link`'s peer, which it prints as the host name of the peer's number)
        # and MAC addresses (and the bridge ids and IPv6 link-local addresses made of them) differ between
        # two builds; nothing else may.
        $volatile = '"(ifindex|link_index)":\d+|"link":"[^"]*"|"[0-9a-f]{2}(:[0-9a-f]{2}){5}"|"[0-9a-f]{4}\.[0-9a-f:]+"|"fe80::[0-9a-f:]+"'
        $a = ($nativeDump -replace $volatile, '') -split "`n"
        $b = ($iprouteDump -replace $volatile, '') -split "`n"
        Compare-Object $a $b | Out-String | Should -BeNullOrEmpty
        ($iprouteRead -replace '"MacAddress":"[0-9a-f:]{17}"', '') | Should -Be ($nativeRead -replace '"MacAddress":"[0-9a-f:]{17}"', '')
    }

    It 'the iproute2 backend really spawns ip, the native one does not' {
        Reset-Sandbox
        $env:NETNSPS_BACKEND = 'iproute2'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $spawned = Measure-Command { New-NetNamespace one | Out-Null }
        Remove-Item env:NETNSPS_BACKEND
        # With PATH emptied, only a spawning backend would fail.
        $path = $env:PATH
        try {
            $env:PATH = '/nonexistent'
            { New-NetNamespace two -ErrorAction Stop | Add-VethPair | Out-Null } | Should -Not -Throw
            $env:NETNSPS_BACKEND = 'iproute2'
            { New-NetNamespace three -ErrorAction Stop } | Should -Throw -ErrorId 'ProgramNotFound,NetNsPS.Commands.NewNetNamespaceCommand'
        } finally {
            $env:PATH = $path
            Remove-Item env:NETNSPS_BACKEND -ErrorAction SilentlyContinue
        }
        Test-Path /run/netns/three | Should -BeFalse
        (Get-VethPair two).PeerName | Should -Be 'veth-two-br'
    }

    It 'sysctls are written in-process by the native backend, and by the sysctl program under iproute2' {
        Reset-Sandbox
        $path = $env:PATH
        try {
            $env:PATH = '/nonexistent'
            { Enable-IpForward -ErrorAction Stop | Out-Null } | Should -Not -Throw
            Get-Content /proc/sys/net/ipv4/ip_forward | Should -Be '1'
            $env:NETNSPS_BACKEND = 'iproute2'
            { Disable-IpForward -ErrorAction Stop } | Should -Throw -ErrorId 'ProgramNotFound,NetNsPS.Commands.DisableIpForwardCommand'
            Get-Content /proc/sys/net/ipv4/ip_forward | Should -Be '1'
        } finally {
            $env:PATH = $path
            Remove-Item env:NETNSPS_BACKEND -ErrorAction SilentlyContinue
        }
        Disable-IpForward
        Get-Content /proc/sys/net/ipv4/ip_forward | Should -Be '0'
    }

    It 'kernel refusals read the same in both' {
        Reset-Sandbox
        New-ArticleSetup
        $messages = foreach ($backend in 'native', 'iproute2') {
            if ($backend -eq 'iproute2') { $env:NETNSPS_BACKEND = 'iproute2' }
            $err = $null
            Add-NsRoute -Namespace red -DestinationPrefix 10.9.0.0/16 -NextHop 172.31.0.1 -ErrorVariable err -ErrorAction SilentlyContinue
            Remove-Item env:NETNSPS_BACKEND -ErrorAction SilentlyContinue
            $err[0].Exception.Message
        }
        $messages[0] | Should -Be 'ip -n red route add 10.9.0.0/16 via 172.31.0.1: Error: Nexthop has invalid gateway.'
        $messages[1] | Should -Be $messages[0]
    }
}
