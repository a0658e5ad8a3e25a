# Settings remember their earlier value: what NetNsPS changed, and what it was, is recorded under /run/netnsps, and
# teardown (Disable-IpForward, Unpublish-NsPort, Clear-NetNsPS) puts back exactly that, leaving alone what someone
# else changed since. Without a record, Disable-IpForward turns forwarding off as before.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'net.ipv4.ip_forward' {
    BeforeEach { Reset-Sandbox }

    It 'on before Enable-IpForward: Disable-IpForward leaves it on' {
        Invoke-Checked sysctl -q -w net.ipv4.ip_forward=1 | Out-Null
        Enable-IpForward | Out-Null
        (Get-Content ([NetNsPS.Linux.SettingsRecords]::FilePath)) | Should -Contain 'net.ipv4.ip_forward 1 1'
        Disable-IpForward
        Read-Sysctl net.ipv4.ip_forward | Should -Be '1'
        Test-Path ([NetNsPS.Linux.SettingsRecords]::FilePath) | Should -BeFalse -Because 'the record is done with'
    }

    It 'on before Enable-IpForward: Clear-NetNsPS leaves it on' {
        Invoke-Checked sysctl -q -w net.ipv4.ip_forward=1 | Out-Null
        Enable-IpForward -Persist | Out-Null
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        Read-Sysctl net.ipv4.ip_forward | Should -Be '1'
        Test-Path /etc/sysctl.d/99-netnsps.conf | Should -BeFalse
    }

    It 'off before Enable-IpForward: Disable-IpForward and Clear-NetNsPS turn it off again' {
        Enable-IpForward | Out-Null
        Read-Sysctl net.ipv4.ip_forward | Should -Be '1'
        Disable-IpForward
        Read-Sysctl net.ipv4.ip_forward | Should -Be '0'
        Enable-IpForward | Out-Null
        (Invoke-ChildPwsh 'Clear-NetNsPS -WhatIf') | Should -Contain 'What if: sysctl -w net.ipv4.ip_forward=0'
        Clear-NetNsPS -Confirm:$false
        Read-Sysctl net.ipv4.ip_forward | Should -Be '0'
    }

    It 'changed by someone else since: teardown leaves their value' {
        Invoke-Checked sysctl -q -w net.ipv4.ip_forward=1 | Out-Null
        Enable-IpForward | Out-Null
        Invoke-Checked sysctl -q -w net.ipv4.ip_forward=0 | Out-Null   # someone else
        Disable-IpForward
        Read-Sysctl net.ipv4.ip_forward | Should -Be '0' -Because 'NetNsPS found 1, but it is not its value that is there now'
    }

    It 're-running Enable-IpForward keeps the first record, not its own value' {
        Enable-IpForward | Out-Null
        Enable-IpForward | Out-Null
        (Get-Content ([NetNsPS.Linux.SettingsRecords]::FilePath)) | Should -Be @('net.ipv4.ip_forward 0 1')
        Disable-IpForward
        Read-Sysctl net.ipv4.ip_forward | Should -Be '0'
    }

    It 'without a record Disable-IpForward turns it off, as before' {
        Invoke-Checked sysctl -q -w net.ipv4.ip_forward=1 | Out-Null
        Disable-IpForward
        Read-Sysctl net.ipv4.ip_forward | Should -Be '0'
    }
}

Describe 'route_localnet of the bridge and hairpin mode of its ports' {
    BeforeEach {
        Reset-Sandbox
        New-ArticleSetup
    }

    It 'on before Publish-NsPort: Unpublish-NsPort leaves it on' {
        Invoke-Checked sysctl -q -w net.ipv4.conf.bridge0.route_localnet=1 | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Unpublish-NsPort -ExternalPort 8080
        Read-Sysctl net/ipv4/conf/bridge0/route_localnet | Should -Be '1'
    }

    It 'on before Publish-NsPort: Clear-NetNsPS leaves it on' {
        Invoke-Checked sysctl -q -w net.ipv4.conf.bridge0.route_localnet=1 | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        Read-Sysctl net/ipv4/conf/bridge0/route_localnet | Should -BeIn @('1', '<absent>') -Because 'the bridge itself goes with Clear-NetNsPS'
    }

    It 'hairpin mode on before Publish-NsPort: Unpublish-NsPort leaves it on; off before: turned off again' {
        Set-BridgeHairpin veth-red-br | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 | Out-Null
        (Get-VethPair blue).Hairpin | Should -BeTrue
        Get-NsPort | Unpublish-NsPort
        (Get-VethPair red).Hairpin | Should -BeTrue
        (Get-VethPair blue).Hairpin | Should -BeFalse
    }

    It 'off before Publish-NsPort: Unpublish-NsPort turns it off again' {
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Read-Sysctl net/ipv4/conf/bridge0/route_localnet | Should -Be '1'
        Unpublish-NsPort -ExternalPort 8080
        Read-Sysctl net/ipv4/conf/bridge0/route_localnet | Should -Be '0'
        Test-Path ([NetNsPS.Linux.SettingsRecords]::FilePath) | Should -BeFalse
    }
}

Describe 'bridge-nf-call-iptables' {
    BeforeEach {
        Reset-Sandbox
        New-ArticleSetup
        $script:bridgeNf = Test-Path /proc/sys/net/bridge
    }

    It 'off before Publish-NsPort: the last Unpublish-NsPort puts it back off; on before: it stays on' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        Invoke-Checked sysctl -q -w net.bridge.bridge-nf-call-iptables=0 | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 | Out-Null
        Read-Sysctl net.bridge.bridge-nf-call-iptables | Should -Be '1'
        Unpublish-NsPort -ExternalPort 8080
        Read-Sysctl net.bridge.bridge-nf-call-iptables | Should -Be '1' -Because 'blue''s mapping still needs it'
        Unpublish-NsPort -ExternalPort 8081
        Read-Sysctl net.bridge.bridge-nf-call-iptables | Should -Be '0'

        Invoke-Checked sysctl -q -w net.bridge.bridge-nf-call-iptables=1 | Out-Null
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        Read-Sysctl net.bridge.bridge-nf-call-iptables | Should -Be '1'
    }

    It 'Enable-BridgeNetfilter records it too: Clear-NetNsPS puts it back off' {
        if (-not $script:bridgeNf) { Set-ItResult -Skipped -Because 'br_netfilter is not loaded on this kernel'; return }
        Invoke-Checked sysctl -q -w net.bridge.bridge-nf-call-iptables=0 | Out-Null
        Enable-BridgeNetfilter | Out-Null
        Clear-NetNsPS -Confirm:$false -WarningAction SilentlyContinue
        Read-Sysctl net.bridge.bridge-nf-call-iptables | Should -Be '0'
    }
}
