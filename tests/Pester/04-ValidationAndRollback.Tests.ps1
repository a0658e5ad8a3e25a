# Inputs are checked before anything changes; conflicts and failures leave the state as it was.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'Bad input is refused before any change' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        $script:pristine = Get-StateDump
    }
    AfterEach {
        Get-StateDump | Should -Be $script:pristine
        Test-Path /tmp/pwned | Should -BeFalse
    }

    It '<Case>' -ForEach @(
        @{ Case = 'namespace name with /'; Command = { New-NetNamespace 'a/b' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = 'a/b' }
        @{ Case = 'namespace name ..'; Command = { New-NetNamespace '..' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = '..' }
        @{ Case = 'injection in a namespace name'; Command = { New-NetNamespace 'red;touch /tmp/pwned' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = 'red;touch /tmp/pwned' }
        @{ Case = 'interface name over 15 characters'; Command = { Add-VethPair red -Name 'veth-red-is-too-long' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = 'veth-red-is-too-long' }
        @{ Case = 'interface name with a colon'; Command = { New-NetBridge 'br:0' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = 'br:0' }
        @{ Case = 'interface name with $(id)'; Command = { New-NetBridge '$(id)' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = '$(id)' }
        @{ Case = 'malformed address'; Command = { Add-NsIPAddress 192.168.15/24 -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = '192.168.15' }
        @{ Case = 'prefix over 32'; Command = { Add-NsIPAddress 192.168.15.9/33 -Namespace red }; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument'; Value = '192.168.15.9/33' }
        @{ Case = 'IPv6 address with a zone id'; Command = { Add-NsIPAddress 'fe80::2%veth-red/64' -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = 'zone id' }
        @{ Case = 'IPv6 prefix over 128'; Command = { Add-NsIPAddress fd00::2/129 -Namespace red }; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument'; Value = 'fd00::2/129' }
        @{ Case = 'network address as host address'; Command = { Add-NsIPAddress 192.168.15.0/24 -Namespace red }; Id = 'InvalidHostAddress'; Category = 'InvalidArgument'; Value = '192.168.15.0/24' }
        @{ Case = 'route prefix with host bits'; Command = { Add-NsRoute -Namespace red -DestinationPrefix 10.1.2.3/8 -NextHop 192.168.15.1 }; Id = 'HostBitsSet'; Category = 'InvalidArgument'; Value = '10.0.0.0/8' }
        @{ Case = 'missing namespace'; Command = { Add-VethPair nosuch -Bridge bridge0 }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Value = 'nosuch' }
        @{ Case = 'missing bridge'; Command = { Add-VethPair red -Name veth-r2 -PeerName veth-r2-br -Bridge nobridge }; Id = 'BridgeNotFound'; Category = 'ObjectNotFound'; Value = 'nobridge' }
        @{ Case = 'missing interface'; Command = { Add-NsIPAddress 192.168.15.9/24 -Namespace red -InterfaceName eth9 }; Id = 'InterfaceNotFound'; Category = 'ObjectNotFound'; Value = 'eth9' }
        @{ Case = 'address on another interface'; Command = { Add-NsIPAddress 192.168.15.1/24 -InterfaceName lo }; Id = 'AddressInUse'; Category = 'ResourceExists'; Value = 'bridge0' }
        @{ Case = 'veth name taken by another kind of link'; Command = { Add-VethPair blue -Name bridge0 -PeerName br-peer }; Id = 'InterfaceExists'; Category = 'ResourceExists'; Value = 'bridge0' }
        @{ Case = 'bridge name taken by a veth'; Command = { New-NetBridge veth-red-br }; Id = 'InterfaceExistsNotBridge'; Category = 'ResourceExists'; Value = 'veth-red-br' }
        @{ Case = 'default veth name too long'; Command = { New-NetNamespace averylongname -WhatIf; Add-VethPair averylongname -WhatIf }; Id = 'DefaultNameTooLong'; Category = 'InvalidArgument'; Value = 'veth-averylongname' }
    ) {
        $err = @(& $Command 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,NetNsPS.Commands.*"
        "$($err[0].CategoryInfo.Category)" | Should -Be $Category
        $err[0].Exception.Message | Should -BeLike "*$Value*"
        $err[0].Exception.Message | Should -Not -Match ' at NetNsPS\.|\.cs:line'
    }

    It 'a parameter of the wrong type is refused by PowerShell binding' {
        { Add-NsIPAddress 192.168.15.9 -PrefixLength 200 -Namespace red -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,NetNsPS.Commands.AddNsIPAddressCommand'
        # Within 0-128 but beyond IPv4's 32: the module's own error, naming IPv4's range.
        { Add-NsIPAddress 192.168.15.9 -PrefixLength 40 -Namespace red -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPrefixLength,NetNsPS.Commands.AddNsIPAddressCommand'
    }
}

Describe 'Failures half-way are rolled back' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
    }

    It 'Add-VethPair with a failing step k leaves no veth behind, for every k' {
        New-NetNamespace green | Out-Null
        $before = Get-StateDump
        foreach ($k in 1..4) {   # create (inside the namespace), master, up, up
            $env:NETNSPS_TEST_FAIL_STEP = "$k"
            try {
                $err = $null
                Add-VethPair green -Bridge bridge0 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            } finally { Remove-Item env:NETNSPS_TEST_FAIL_STEP }
            $err.Count | Should -Be 1 -Because "step $k"
            $err[0].Exception.Message | Should -Match 'injected fault'
            Get-StateDump | Should -Be $before -Because "rollback after a failure at step $k"
        }
        (Add-VethPair green -Bridge bridge0).Bridge | Should -Be 'bridge0'
    }

    It 'New-NetNamespace with a failing second step removes the namespace again' {
        $before = Get-StateDump
        $env:NETNSPS_TEST_FAIL_STEP = '2'
        try { New-NetNamespace orange -ErrorAction SilentlyContinue | Out-Null } finally { Remove-Item env:NETNSPS_TEST_FAIL_STEP }
        Test-Path /run/netns/orange | Should -BeFalse
        Get-StateDump | Should -Be $before
    }

    It 'New-NetBridge -IPAddress with a failing address step leaves no bridge' {
        $before = Get-StateDump
        $env:NETNSPS_TEST_FAIL_STEP = '3'
        try { New-NetBridge bridge7 -IPAddress 10.7.0.1/24 -ErrorAction SilentlyContinue | Out-Null } finally { Remove-Item env:NETNSPS_TEST_FAIL_STEP }
        Get-StateDump | Should -Be $before
    }

    It 'a kernel refusal keeps the kernel''s words and rolls back (route via an unreachable gateway)' {
        $before = Get-StateDump
        $err = $null
        Add-NsRoute -Namespace red -DestinationPrefix 10.9.0.0/16 -NextHop 172.31.0.1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match '^ip -n red route add 10\.9\.0\.0/16 via 172\.31\.0\.1: .*Nexthop has invalid gateway'
        $err[0].FullyQualifiedErrorId | Should -Be 'CommandFailed,NetNsPS.Commands.AddNsRouteCommand'
        Get-StateDump | Should -Be $before
    }
}

Describe 'Arrays and -WhatIf' {
    BeforeAll { Reset-Sandbox }

    It 'one bad name in an array is an error and the other names are still created' {
        $err = @(New-NetNamespace 'a/b', 'okay' 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $err.Count | Should -Be 1
        Test-Path /run/netns/okay | Should -BeTrue
    }

    It 'under -WhatIf nothing is written, even when nothing would change' {
        New-NetNamespace okay -WhatIf | Should -BeNullOrEmpty
        New-NetBridge br-w -WhatIf | Should -BeNullOrEmpty
    }
}
