# Reliability 8-10: without privileges, without the tools, and on a state changed behind the module's back.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

AfterAll {
    Write-ReliabilityTable -Title 'Privileges, tools, bad state'
    Remove-Item (Join-Path ([IO.Path]::GetTempPath()) "netnsps-unprivileged-$PID"), (Join-Path ([IO.Path]::GetTempPath()) "netnsps-path-$PID") -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Without privileges' -Tag 'Reliability' {
    BeforeAll {
        Reset-Sandbox
        Invoke-ArticleSetup | Out-Null
        $script:before = Get-StateDump
        # The same pwsh, still uid 0 but with every capability dropped (effective, permitted, inheritable, bounding).
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) "netnsps-unprivileged-$PID"
        New-Item -ItemType Directory -Force -Path $script:dir | Out-Null
        $script:child = Join-Path $script:dir 'child.ps1'
        Set-Content -Path $script:child -Value @"
Import-Module '$env:NETNSPS_TEST_MODULE'
`$ErrorActionPreference = 'Continue'
`$cases = [ordered]@{
    'New-NetNamespace'        = { New-NetNamespace green }
    'Remove-NetNamespace'     = { 'red', 'blue' | Remove-NetNamespace -Confirm:`$false }
    'New-NetBridge'           = { New-NetBridge bridge9 -IPAddress 10.9.0.1/24 }
    'Remove-NetBridge'        = { Remove-NetBridge bridge0 -Confirm:`$false }
    'Add-VethPair'            = { Add-VethPair red -Name veth-r9 -PeerName veth-r9-br -Bridge bridge0 }
    'Remove-VethPair'         = { Remove-VethPair red }
    'Add-NsIPAddress'         = { Add-NsIPAddress 192.168.15.9/24 -InterfaceName bridge0 }
    'Remove-NsIPAddress'      = { Remove-NsIPAddress 192.168.15.1 -InterfaceName bridge0 }
    'Add-NsRoute'             = { Add-NsRoute -DestinationPrefix 10.9.0.0/16 -NextHop 192.168.15.2 }
    'Remove-NsRoute'          = { Remove-NsRoute -Namespace red }
    'Enable-IpForward'        = { Enable-IpForward -Persist }
    'Disable-IpForward'       = { Disable-IpForward }
    'Enable-BridgeNetfilter'  = { Enable-BridgeNetfilter }
    'Enable-NsMasquerade'     = { Enable-NsMasquerade bridge0 -SourcePrefix 10.0.0.0/8 }
    'Disable-NsMasquerade'    = { Disable-NsMasquerade bridge0 }
    'Publish-NsPort'          = { Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 }
    'Unpublish-NsPort'        = { Unpublish-NsPort 8080 }
    'Set-BridgeHairpin'       = { Set-BridgeHairpin veth-red-br -Enabled `$false }
    'Invoke-NsCommand'        = { Invoke-NsCommand red ip link set lo down }
    'Invoke-NsSandbox'        = { Invoke-NsSandbox { 1 } }
    'Clear-NetNsPS'           = { Clear-NetNsPS -Confirm:`$false }
    'Test-NsConnection'       = { Test-NsConnection 192.168.15.3 -Namespace red }
    'Get-NetNamespace'        = { Get-NetNamespace }
    'Get-VethPair'            = { Get-VethPair }
    'Get-NsPort'              = { Get-NsPort }
    'Get-NsMasquerade'        = { Get-NsMasquerade }
    'Get-NetBridge'           = { Get-NetBridge bridge0 }
    'Get-NsIPAddress'         = { Get-NsIPAddress -InterfaceName bridge0 }
    'Get-NsRoute'             = { Get-NsRoute }
    'Get-IpForward'           = { Get-IpForward }
    'Get-BridgeNetfilter'     = { Get-BridgeNetfilter }
    'New-NetNamespace -WhatIf' = { New-NetNamespace green -WhatIf }
}
foreach (`$name in `$cases.Keys) {
    `$errors = [System.Collections.Generic.List[object]]::new()
    `$output = @()
    try { `$output = @(& `$cases[`$name] 2>&1 | ForEach-Object { if (`$_ -is [System.Management.Automation.ErrorRecord]) { `$errors.Add(`$_) } else { `$_ } }) } catch { `$errors.Add(`$_) }
    [pscustomobject]@{
        Case     = `$name
        Errors   = `$errors.Count
        Id       = if (`$errors.Count) { `$errors[0].FullyQualifiedErrorId } else { '' }
        Category = if (`$errors.Count) { "`$(`$errors[0].CategoryInfo.Category)" } else { '' }
        Message  = if (`$errors.Count) { `$errors[0].Exception.Message } else { '' }
        Output   = (`$output | ForEach-Object { if (`$_ -is [string]) { `$_ } else { `$_ | ConvertTo-Json -Compress -Depth 2 } }) -join ';'
    } | ConvertTo-Json -Compress | ForEach-Object { 'RESULT ' + `$_ }
}
"@
        $commandLine = @(Get-PwshCommandLine)
        $out = & setpriv --inh-caps=-all --bounding-set=-all -- @commandLine -NoProfile -NonInteractive -File $script:child 2>&1
        $script:results = @{}
        foreach ($line in $out) {
            if ("$line" -like 'RESULT *') {
                $r = "$line".Substring(7) | ConvertFrom-Json
                $script:results[$r.Case] = $r
            }
        }
        $script:raw = $out -join "`n"
        $script:after = Get-StateDump
    }

    It 'the child really ran without capabilities' {
        $script:results.Count | Should -Be 32 -Because $script:raw
    }

    It '<Case> stops with one PermissionDenied error naming root and CAP_NET_ADMIN' -ForEach (@(
        'New-NetNamespace', 'Remove-NetNamespace', 'New-NetBridge', 'Remove-NetBridge', 'Add-VethPair', 'Remove-VethPair',
        'Add-NsIPAddress', 'Remove-NsIPAddress', 'Add-NsRoute', 'Remove-NsRoute', 'Enable-IpForward', 'Disable-IpForward',
        'Enable-BridgeNetfilter', 'Enable-NsMasquerade', 'Disable-NsMasquerade', 'Publish-NsPort', 'Unpublish-NsPort',
        'Set-BridgeHairpin', 'Invoke-NsCommand', 'Invoke-NsSandbox', 'Clear-NetNsPS'
    ) | ForEach-Object { @{ Case = $_ } }) {
        Invoke-ReliabilityCase -Kind 'Privilege' {
            $r = $script:results[$Case]
            $r | Should -Not -BeNullOrEmpty
            $r.Errors | Should -Be 1 -Because $r.Message
            $r.Category | Should -Be 'PermissionDenied'
            $r.Id | Should -BeLike 'RootRequired,NetNsPS.Commands.*'
            $r.Message | Should -Match 'root'
            $r.Message | Should -Match 'CAP_NET_ADMIN|CAP_SYS_ADMIN'
            $r.Output | Should -BeNullOrEmpty
        }
    }

    It 'nothing changed' {
        Invoke-ReliabilityCase -Kind 'Privilege' {
            $script:after | Should -Be $script:before -Because (Get-DumpDiff $script:before $script:after)
        }
    }

    It '<Case> still reads what the kernel lets it read' -ForEach @(
        @{ Case = 'Get-NetBridge'; Expect = '"Name":"bridge0"' }
        @{ Case = 'Get-NsIPAddress'; Expect = '"IPAddress":"192.168.15.1"' }
        @{ Case = 'Get-NsRoute'; Expect = '"DestinationPrefix":"192.168.15.0/24"' }
        @{ Case = 'Get-IpForward'; Expect = '"Value":"1"' }
        @{ Case = 'Get-BridgeNetfilter'; Expect = '"Value":"1"' }
    ) {
        Invoke-ReliabilityCase -Kind 'Privilege' {
            $r = $script:results[$Case]
            $r.Errors | Should -Be 0 -Because $r.Message
            $r.Output | Should -Match ([regex]::Escape($Expect))
        }
    }

    It '<Case>, which the kernel does not let it read, says that it needs root, once' -ForEach @(
        @{ Case = 'Get-NetNamespace' }, @{ Case = 'Get-VethPair' }, @{ Case = 'Get-NsPort' }, @{ Case = 'Get-NsMasquerade' }
        @{ Case = 'Test-NsConnection' }
    ) {
        Invoke-ReliabilityCase -Kind 'Privilege' {
            $r = $script:results[$Case]
            $r.Errors | Should -Be 1 -Because $r.Message
            $r.Category | Should -Be 'PermissionDenied'
            $r.Message | Should -Match 'root'
            $r.Message | Should -Match 'CAP_NET_ADMIN|CAP_SYS_ADMIN'
        }
    }

    It '-WhatIf works without privileges' {
        Invoke-ReliabilityCase -Kind 'Privilege' {
            $r = $script:results['New-NetNamespace -WhatIf']
            $r.Errors | Should -Be 0 -Because $r.Message
            $script:raw | Should -Match 'What if: ip netns add green'
        }
    }
}

Describe 'Without the tools' -Tag 'Reliability' {
    BeforeAll {
        Reset-Sandbox
        Invoke-ArticleSetup | Out-Null
        $script:bin = Join-Path ([IO.Path]::GetTempPath()) "netnsps-path-$PID"
        $script:savedPath = $env:PATH

        function Use-PathWithout {
            # A PATH with every program the module runs, but for the missing ones.
            param([string[]] $Missing)
            if (Test-Path $script:bin) { Remove-Item $script:bin -Recurse -Force }
            New-Item -ItemType Directory -Path $script:bin | Out-Null
            foreach ($program in 'ip', 'bridge', 'iptables', 'iptables-save', 'iptables-restore', 'nft', 'sysctl', 'modprobe', 'tee', 'rm', 'unshare', 'mount') {
                if ($program -in $Missing) { continue }
                $source = (Get-Command $program -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
                if ($source) { New-Item -ItemType SymbolicLink -Path (Join-Path $script:bin $program) -Target $source | Out-Null }
            }
            $env:PATH = $script:bin
        }
    }
    AfterEach {
        $env:PATH = $script:savedPath
    }
    AfterAll {
        $env:PATH = $script:savedPath
    }

    It 'without <Missing>: <Name> names the program and the package, and changes nothing' -ForEach @(
        @{ Missing = 'iptables'; Name = 'Publish-NsPort'; Command = { Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 }; Program = 'iptables(-save)?'; Package = 'iptables' }
        @{ Missing = 'iptables'; Name = 'Unpublish-NsPort'; Command = { Unpublish-NsPort 8080 }; Program = 'iptables(-save)?'; Package = 'iptables' }
        @{ Missing = 'iptables'; Name = 'Enable-NsMasquerade'; Command = { Enable-NsMasquerade bridge0 -SourcePrefix 10.0.0.0/8 }; Program = 'iptables(-save)?'; Package = 'iptables' }
        @{ Missing = 'iptables'; Name = 'Disable-NsMasquerade'; Command = { Disable-NsMasquerade bridge0 }; Program = 'iptables(-save)?'; Package = 'iptables' }
        @{ Missing = 'iptables'; Name = 'Get-NsPort'; Command = { Get-NsPort }; Program = 'iptables(-save)?'; Package = 'iptables' }
        @{ Missing = 'iptables'; Name = 'Get-NsMasquerade'; Command = { Get-NsMasquerade }; Program = 'iptables(-save)?'; Package = 'iptables' }
        @{ Missing = 'iptables'; Name = 'Clear-NetNsPS'; Command = { Clear-NetNsPS -Confirm:$false }; Program = 'iptables(-save)?'; Package = 'iptables' }
        @{ Missing = 'ip'; Name = 'New-NetNamespace'; Command = { New-NetNamespace green }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Remove-NetNamespace'; Command = { Remove-NetNamespace blue -Confirm:$false }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'New-NetBridge'; Command = { New-NetBridge bridge5 }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Add-VethPair'; Command = { Add-VethPair blue -Name veth-b5 -PeerName veth-b5-br }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Add-NsIPAddress'; Command = { Add-NsIPAddress 192.168.15.9/24 -Namespace red }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Add-NsRoute'; Command = { Add-NsRoute -Namespace red -DestinationPrefix 10.9.0.0/16 -NextHop 192.168.15.1 }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Set-BridgeHairpin'; Command = { Set-BridgeHairpin veth-red-br -Enabled $false }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Publish-NsPort'; Command = { Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Invoke-NsCommand'; Command = { Invoke-NsCommand red /bin/true }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Get-NetBridge'; Command = { Get-NetBridge }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'ip'; Name = 'Clear-NetNsPS'; Command = { Clear-NetNsPS -Confirm:$false }; Program = 'ip'; Package = 'iproute2' }
        @{ Missing = 'sysctl'; Name = 'Disable-IpForward'; Command = { Disable-IpForward }; Program = 'sysctl'; Package = 'procps' }
        @{ Missing = 'sysctl'; Name = 'Unpublish-NsPort (after its iptables steps)'; Command = { Unpublish-NsPort 8080 }; Program = 'sysctl'; Package = 'procps' }
    ) {
        Invoke-ReliabilityCase -Kind 'Missing tools' {
            $missing = if ($Missing -eq 'iptables') { 'iptables', 'iptables-save', 'iptables-restore' } else { @($Missing) }
            $before = Get-StateDump
            # The default backend does the ip commands over rtnetlink and writes sysctls to /proc/sys itself, so it
            # needs neither ip nor sysctl (07-Backends shows it); the iproute2 backend, and Invoke-NsCommand (ip netns
            # exec), do need them.
            if ($Missing -in 'ip', 'sysctl') { $env:NETNSPS_BACKEND = 'iproute2' }
            # The iptables programs are the iptables driver's: under nftables (in-process) none is needed, so their
            # cases run under the iptables driver, which must name them before it changes anything.
            $driver = $env:NETNSPS_FIREWALL
            if ($Missing -eq 'iptables') { $env:NETNSPS_FIREWALL = 'iptables' }
            Use-PathWithout $missing
            try { $err = @(Invoke-Capture $Command) } finally { $env:PATH = $script:savedPath; $env:NETNSPS_FIREWALL = $driver; Remove-Item env:NETNSPS_BACKEND -ErrorAction SilentlyContinue }
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ProgramNotFound,NetNsPS.Commands.*'
            "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -Match "'$Program'"
            $err[0].Exception.Message | Should -Match "apt-get install $Package\b"
            $after = Get-StateDump
            $after | Should -Be $before -Because (Get-DumpDiff $before $after)
        }
    }

    It 'without iptables: New-NetBridge and Remove-NetBridge still work (no FORWARD of it can drop a bridge''s traffic)' {
        Invoke-ReliabilityCase -Kind 'Missing tools' {
            $driver = $env:NETNSPS_FIREWALL
            $env:NETNSPS_FIREWALL = 'iptables'
            Use-PathWithout 'iptables', 'iptables-save', 'iptables-restore'
            try {
                $err = @(Invoke-Capture { New-NetBridge bridge6 | Out-Null; Remove-NetBridge bridge6 -Confirm:$false })
            } finally { $env:PATH = $script:savedPath; $env:NETNSPS_FIREWALL = $driver }
            $err | Should -BeNullOrEmpty
            Test-Path /sys/class/net/bridge6 | Should -BeFalse
        }
    }
}

Describe 'A state changed behind the module''s back' -Tag 'Reliability' {
    BeforeAll {
        # The cases edit iptables rules by hand, so they run under the iptables driver whatever the suite's driver is;
        # the nftables driver's own hand-edited cases (an element or rule deleted, a chain unhooked) are in 06 and 21.
        $script:suiteDriver = $env:NETNSPS_FIREWALL
        $env:NETNSPS_FIREWALL = 'iptables'
        Reset-Sandbox
        $script:pristine = Get-StateDump
        Invoke-ArticleSetup | Out-Null
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 | Out-Null
        $script:rules = @(& iptables-save | Where-Object { $_ -like '-A *' } | Sort-Object)

        function Remove-RuleByTag {
            # Deletes by hand the first rule of a chain whose comment starts with the tag.
            param([string] $Table, [string] $Chain, [string] $Tag)
            $line = & iptables -w -t $Table -S $Chain | Where-Object { $_ -like "*--comment `"$Tag*" } | Select-Object -First 1
            $spec = ($line -replace '^-A \S+ ', '') -replace '"', ''
            Invoke-Checked iptables -w -t $Table -D $Chain @($spec -split ' ')
        }
    }
    AfterAll { $env:NETNSPS_FIREWALL = $script:suiteDriver }

    It 'a namespace deleted by hand: the Get-* cmdlets report what is there, Remove-* and Unpublish-NsPort finish the job' {
        Invoke-ReliabilityCase -Kind 'Bad state' {
            Invoke-Checked ip netns delete blue
            # `ip netns delete` returns before the kernel has freed the namespace; its veth's host end goes a moment later.
            $deadline = [DateTime]::UtcNow.AddSeconds(5)
            while ((& ip -o link show veth-blue-br 2>$null) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
            (Get-NetNamespace).Name | Should -Be 'red'
            (Get-VethPair).Namespace | Should -Be 'red'
            (Get-NetBridge bridge0).Ports | Should -Be 'veth-red-br'
            $err = @(Invoke-Capture { Get-NetNamespace blue })
            $err.FullyQualifiedErrorId | Should -Be 'NamespaceNotFound,NetNsPS.Commands.GetNetNamespaceCommand'
            $err = @(Invoke-Capture {
                Unpublish-NsPort 8081
                Remove-NsRoute -Namespace blue
                Remove-NsIPAddress 192.168.15.3 -Namespace blue
                Remove-VethPair blue
                Remove-NetNamespace blue -Confirm:$false
            })
            $err | Should -BeNullOrEmpty
            (Get-NsPort).ExternalPort | Should -Be 8080
            (& iptables-save) -match 'netnsps:port:tcp:0\.0\.0\.0:8081:' | Should -BeNullOrEmpty
        }
    }

    It 'a veth removed by hand: Get-VethPair and Get-NetBridge show it gone, Remove-VethPair is content' {
        Invoke-ReliabilityCase -Kind 'Bad state' {
            Invoke-Checked ip link delete veth-red-br
            Get-VethPair red | Should -BeNullOrEmpty
            (Get-NetNamespace red).Interfaces | Should -Be 'lo'
            (Get-NetBridge bridge0).Ports | Should -BeNullOrEmpty
            @(Invoke-Capture { Remove-VethPair red; Remove-NsRoute -Namespace red }) | Should -BeNullOrEmpty
        }
    }

    It 'a rule deleted by hand: Get-NsPort still shows the mapping that is left' {
        Invoke-ReliabilityCase -Kind 'Bad state' {
            Remove-RuleByTag -Table nat -Chain NETNSPS-PREROUTING -Tag 'netnsps:port:tcp:0.0.0.0:8080:'
            (Get-NsPort -ExternalPort 8080).Namespace | Should -Be 'red'
        }
    }

    It 'a chain flushed by hand: Get-NsMasquerade shows no masquerade' {
        Invoke-ReliabilityCase -Kind 'Bad state' {
            Invoke-Checked iptables -w -t nat -F NETNSPS-POSTROUTING
            Get-NsMasquerade | Should -BeNullOrEmpty
        }
    }

    It 're-running the setup repairs all of it' {
        Invoke-ReliabilityCase -Kind 'Bad state' {
            $err = @(Invoke-Capture { Invoke-ArticleSetup | Out-Null; Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 | Out-Null })
            $err | Should -BeNullOrEmpty
            @(& iptables-save | Where-Object { $_ -like '-A *' } | Sort-Object) | Should -Be $script:rules
            (Get-VethPair red, blue).Bridge | Should -Be 'bridge0', 'bridge0'
            (Get-VethPair red, blue).Hairpin | Should -Be $true, $true
            (Get-NsPort).ExternalPort | Sort-Object | Should -Be 8080, 8081
            (Get-NsMasquerade).SourcePrefix | Should -Be '192.168.15.0/24'
            Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
            Test-Ping -Namespace blue -Target 192.168.15.1 | Should -BeTrue
        }
    }

    It 'with rules, a chain and a namespace gone by hand, the teardown still removes the rest without an error' {
        Invoke-ReliabilityCase -Kind 'Bad state' {
            Remove-RuleByTag -Table nat -Chain NETNSPS-PREROUTING -Tag 'netnsps:port:tcp:0.0.0.0:8080:'
            Remove-RuleByTag -Table nat -Chain NETNSPS-OUTPUT -Tag 'netnsps:port:tcp:0.0.0.0:8080:'
            Invoke-Checked iptables -w -t nat -F NETNSPS-POSTROUTING
            Invoke-Checked iptables -w -t raw -F NETNSPS-PREROUTING
            Invoke-Checked ip netns delete blue
            $err = @(Invoke-Capture {
                Unpublish-NsPort 8080
                Unpublish-NsPort 8081
                Disable-NsMasquerade bridge0
                Disable-IpForward
                Remove-VethPair red
                Remove-VethPair blue
                Remove-NetNamespace red, blue -Confirm:$false
                Remove-NetBridge bridge0 -Confirm:$false
            })
            $err | Should -BeNullOrEmpty
            Get-NetNsPSResidue | Should -BeNullOrEmpty
            $now = Get-StateDump
            $now | Should -Be $script:pristine -Because (Get-DumpDiff $script:pristine $now)
        }
    }
}
