# Module-wide settings: the firewall driver and the backend, kept in the environment so sandboxes and child
# processes inherit them. The default picks nftables where libnftables loads; a missing library is a clear error.
BeforeDiscovery {
    # -Skip is decided at discovery: whether this machine has libnftables at all.
    $hasLibrary = [bool](Get-ChildItem /usr/lib/*/libnftables.so.1* -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
    $script:saved = @{ Firewall = $env:NETNSPS_FIREWALL; Backend = $env:NETNSPS_BACKEND }
    $script:library = @(Get-ChildItem /usr/lib/*/libnftables.so.1* -ErrorAction SilentlyContinue | Where-Object { -not $_.LinkType })
}

AfterAll {
    $env:NETNSPS_FIREWALL = $script:saved.Firewall
    $env:NETNSPS_BACKEND = $script:saved.Backend
}

Describe 'Set-NetNsPSOption and Get-NetNsPSOption' {
    AfterEach {
        $env:NETNSPS_FIREWALL = $script:saved.Firewall
        $env:NETNSPS_BACKEND = $script:saved.Backend
    }

    It 'auto picks nftables where libnftables is installed, iptables where it is not' {
        Set-NetNsPSOption -FirewallDriver auto
        $option = Get-NetNsPSOption
        $option.FirewallDriver | Should -Be 'auto'
        $expected = if ($script:library) { 'nftables' } else { 'iptables' }
        $option.EffectiveFirewallDriver | Should -Be $expected
        $option.AvailableFirewallDrivers | Should -Contain 'iptables'
        $env:NETNSPS_FIREWALL | Should -BeNullOrEmpty
    }

    It 'a driver chosen by name is used by the cmdlets and inherited by child processes' {
        Set-NetNsPSOption -FirewallDriver iptables
        (Get-NetNsPSOption).EffectiveFirewallDriver | Should -Be 'iptables'
        $env:NETNSPS_FIREWALL | Should -Be 'iptables'
        Invoke-ChildPwsh '(Get-NetNsPSOption).EffectiveFirewallDriver' | Select-Object -Last 1 | Should -Be 'iptables'
        Reset-Sandbox
        New-NetBridge bridge0 -IPAddress 192.168.15.1/24 | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        (& iptables-save -t nat) -join "`n" | Should -Match 'netnsps:masq:bridge0'
        Disable-NsMasquerade bridge0
    }

    It 'nftables by name puts the rules in table inet netnsps, and nothing in iptables' -Skip:(-not $hasLibrary) {
        Set-NetNsPSOption -FirewallDriver nftables -PassThru | ForEach-Object EffectiveFirewallDriver | Should -Be 'nftables'
        Reset-Sandbox
        New-NetBridge bridge0 -IPAddress 192.168.15.1/24 | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        (& nft list table inet netnsps) -join "`n" | Should -Match 'netnsps:masq:bridge0'
        (& iptables-save) -join "`n" | Should -Not -Match 'netnsps'
        Disable-NsMasquerade bridge0
        & nft list table inet netnsps 2>$null
        $LASTEXITCODE | Should -Not -Be 0 -Because 'the table goes with the module''s last rule'
    }

    It '-WhatIf shows the bash line and changes nothing' {
        $before = $env:NETNSPS_FIREWALL
        $lines = Invoke-ChildPwsh 'Set-NetNsPSOption -FirewallDriver nftables -Backend Iproute2 -WhatIf; "now=$env:NETNSPS_FIREWALL/$env:NETNSPS_BACKEND"'
        $lines | Should -Contain 'What if: export NETNSPS_FIREWALL=nftables'
        $lines | Should -Contain 'What if: export NETNSPS_BACKEND=iproute2'
        $lines[-1] | Should -Be "now=$before/$($script:saved.Backend)"
    }

    It 'the backend switch spawns ip for every command, and Native goes back to rtnetlink' {
        Set-NetNsPSOption -Backend Iproute2
        (Get-NetNsPSOption).Backend | Should -Be 'Iproute2'
        $env:NETNSPS_BACKEND | Should -Be 'iproute2'
        Set-NetNsPSOption -Backend Native
        (Get-NetNsPSOption).Backend | Should -Be 'Native'
        $env:NETNSPS_BACKEND | Should -BeNullOrEmpty
    }

    It 'an unknown driver is refused by name, before anything changes' {
        { Set-NetNsPSOption -FirewallDriver nft -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,NetNsPS.Commands.SetNetNsPSOptionCommand'
        $env:NETNSPS_FIREWALL = 'pf'
        $err = Invoke-Capture { New-NetBridge bridge9 }
        $err[0].FullyQualifiedErrorId | Should -Be 'UnknownFirewallDriver,NetNsPS.Commands.NewNetBridgeCommand'
    }

    It 'where libnftables cannot be loaded: auto falls back to iptables, and nftables by name names the package' -Skip:(-not $hasLibrary) {
        # Hide the library in this sandbox's own mount namespace only: the file is covered by an empty one.
        foreach ($file in $script:library) { & mount --bind /dev/null $file.FullName }
        try {
            $lines = Invoke-ChildPwsh @'
Remove-Item env:NETNSPS_FIREWALL -ErrorAction SilentlyContinue
"auto=$((Get-NetNsPSOption).EffectiveFirewallDriver)"
try { Set-NetNsPSOption -FirewallDriver nftables -ErrorAction Stop } catch { "error=$($_.FullyQualifiedErrorId)|$($_.Exception.Message)" }
"after=$env:NETNSPS_FIREWALL"
'@
        } finally {
            foreach ($file in $script:library) { & umount $file.FullName }
        }
        $lines | Should -Contain 'auto=iptables'
        ($lines | Where-Object { $_ -like 'error=*' }) | Should -BeLike 'error=LibraryNotFound,NetNsPS.Commands.SetNetNsPSOptionCommand|*apt-get install libnftables1*'
        $lines | Should -Contain 'after='
    }
}
