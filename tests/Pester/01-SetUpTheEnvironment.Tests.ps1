# The article's "Set up the environment": two namespaces, a bridge and a veth pair for each.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'Set up the environment' {
    BeforeAll {
        Reset-Sandbox
        $script:namespaces = New-NetNamespace red, blue
        $script:bridge = New-NetBridge bridge0
        $script:pairs = 'red', 'blue' | Add-VethPair -Bridge bridge0
    }

    It 'creates the namespaces that ip netns list shows' {
        $script:namespaces.Name | Should -Be @('red', 'blue')
        $script:namespaces[0].Path | Should -Be '/run/netns/red'
        (& ip netns list) -replace ' \(id: \d+\)', '' | Sort-Object | Should -Be @('blue', 'red')
    }

    It 'brings lo up inside each namespace' {
        $lo = & ip -n red -j link show lo | ConvertFrom-Json
        $lo.flags | Should -Contain 'UP'
    }

    It 'creates bridge0 up, and ip sees it as a bridge' {
        $script:bridge.Name | Should -Be 'bridge0'
        $link = & ip -d -j link show bridge0 | ConvertFrom-Json
        $link.linkinfo.info_kind | Should -Be 'bridge'
        $link.flags | Should -Contain 'UP'
    }

    It 'puts veth-red into red and veth-red-br on bridge0, both up' {
        $pair = $script:pairs | Where-Object Namespace -eq red
        $pair.Name | Should -Be 'veth-red'
        $pair.PeerName | Should -Be 'veth-red-br'
        $pair.Bridge | Should -Be 'bridge0'
        $inside = & ip -n red -j link show veth-red | ConvertFrom-Json
        $inside.flags | Should -Contain 'UP'
        $outside = & ip -j link show veth-red-br | ConvertFrom-Json
        $outside.master | Should -Be 'bridge0'
        $outside.flags | Should -Contain 'UP'
        $inside.link_index | Should -Be $outside.ifindex
    }

    It 'lists both ports on the bridge (bridge link, Get-NetBridge)' {
        (& bridge -j link show | ConvertFrom-Json).ifname | Sort-Object | Should -Be @('veth-blue-br', 'veth-red-br')
        (Get-NetBridge bridge0).Ports | Sort-Object | Should -Be @('veth-blue-br', 'veth-red-br')
    }

    It 'Get-VethPair and Get-NetNamespace read back what was built' {
        $pairs = Get-VethPair
        $pairs.Count | Should -Be 2
        ($pairs | Where-Object Namespace -eq blue).PeerName | Should -Be 'veth-blue-br'
        (Get-NetNamespace red).Interfaces | Should -Be @('lo', 'veth-red')
        (Get-NetNamespace 'r*').Name | Should -Be 'red'
    }

    It 'converges when run again: same objects, nothing added' {
        $before = Get-StateDump
        $again = 'red', 'blue' | Add-VethPair -Bridge bridge0
        New-NetNamespace red, blue | Out-Null
        New-NetBridge bridge0 | Out-Null
        (Get-StateDump) | Should -Be $before
        # State is the live carrier state, which may still be coming up: everything else must be the same.
        ($again | Select-Object * -ExcludeProperty State | ConvertTo-Json) | Should -Be ($script:pairs | Select-Object * -ExcludeProperty State | ConvertTo-Json)
    }

    It 'New-NetNamespace pipes straight into Add-VethPair' {
        $pair = New-NetNamespace green | Add-VethPair -Bridge bridge0
        $pair.Namespace | Should -Be 'green'
        $pair.PeerName | Should -Be 'veth-green-br'
        (& ip -j link show veth-green-br | ConvertFrom-Json).master | Should -Be 'bridge0'
    }

    It 'completes a pair left half-built (both ends still on the host)' {
        New-NetNamespace yellow | Out-Null
        Invoke-Checked ip link add veth-yellow type veth peer name veth-yellow-br
        $pair = Add-VethPair yellow -Bridge bridge0
        $pair.Bridge | Should -Be 'bridge0'
        (& ip -n yellow -j link show veth-yellow | ConvertFrom-Json).flags | Should -Contain 'UP'
    }

    It 'removes what it made: veth pairs, the bridge, the namespaces' {
        Get-VethPair green, yellow | Remove-VethPair
        & ip link show veth-green-br 2>$null; $LASTEXITCODE | Should -Not -Be 0
        Get-NetNamespace green, yellow | Remove-NetNamespace -Confirm:$false
        Get-NetNamespace green -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Remove-NetNamespace green -Confirm:$false   # already gone: converges without an error
    }
}

Describe 'Set up the environment with -WhatIf' {
    BeforeAll { Reset-Sandbox }

    It 'prints every raw command of the section and changes nothing' {
        # The article's `ip link add veth-red type veth peer name veth-red-br` + `ip link set veth-red netns red`
        # are one command here: the pair is born with veth-red inside red (atomic, and no costly move).
        $before = Get-StateDump
        $out = Invoke-ChildPwsh @'
New-NetNamespace red, blue -WhatIf
New-NetBridge bridge0 -WhatIf
Add-VethPair red -Bridge bridge0 -WhatIf
Add-VethPair blue -Bridge bridge0 -WhatIf
'@
        $whatIf = $out | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring(9) }
        $article = @(
            'ip netns add red'
            'ip netns add blue'
            'ip link add bridge0 type bridge'
            'ip link add veth-red netns red type veth peer name veth-red-br'
            'ip link set veth-red-br master bridge0'
            'ip -n red link set veth-red up'
            'ip link set veth-red-br up'
            'ip link add veth-blue netns blue type veth peer name veth-blue-br'
            'ip link set veth-blue-br master bridge0'
            'ip -n blue link set veth-blue up'
            'ip link set veth-blue-br up'
            'ip link set bridge0 up'
        )
        foreach ($line in $article) { $whatIf | Should -Contain $line }
        (Get-StateDump) | Should -Be $before
    }

    It 'prints the What if: lines in the order they would run' {
        $out = Invoke-ChildPwsh 'New-NetNamespace red -WhatIf; New-NetBridge bridge0 -WhatIf; Add-VethPair red -Bridge bridge0 -WhatIf'
        $whatIf = @($out | Where-Object { $_ -like 'What if: *' })
        $whatIf | Should -Be @(
            'What if: ip netns add red'
            'What if: ip -n red link set dev lo up'
            'What if: ip -n red link set dev lo alias netnsps'
            'What if: ip link add bridge0 type bridge'
            "What if: ip link set bridge0 address $([NetNsPS.Linux.BridgeMac]::For('bridge0'))"
            'What if: ip link set bridge0 alias netnsps'
            'What if: ip link set bridge0 up'
            'What if: ip link add veth-red netns red type veth peer name veth-red-br'
            'What if: ip link set veth-red-br master bridge0'
            'What if: ip -n red link set veth-red up'
            'What if: ip link set veth-red-br up'
        )
    }

    It '-Verbose shows each command as it runs' {
        $verbose = New-NetNamespace violet -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message | Should -Contain 'ip netns add violet'
        $verbose.Message | Should -Contain 'ip -n violet link set dev lo up'
    }
}
