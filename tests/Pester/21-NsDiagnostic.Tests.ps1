# Get-NsDiagnostic: on the article's full setup every check is Ok; each prerequisite broken by hand (with ip,
# sysctl, iptables or nft, not NetNsPS) shows up as exactly that check, Failed, with a Fix that repairs it when run.
# Reachability before, during and after is checked twice: with curl / ping through ip netns exec, and with
# Test-NsConnection, and both must agree. Runs under either firewall driver (NETNSPS_FIREWALL): under nftables the
# module's rules are `table inet netnsps`, broken the nft way (a rule or element deleted, a chain unhooked), and
# iptables-nft's own chains (ip filter FORWARD) are other base chains on the same hooks.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'Get-NsDiagnostic on the article''s setup' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        New-Wan
        'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
        Enable-IpForward | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        $script:web = Start-NsWebServer -Namespace red -Port 80
        # Services to reach with TCP: every connection is new to conntrack, so no NAT entry of an earlier try helps.
        $script:wanWeb = Start-NsWebServer -Namespace wan -Port 8000 -Bind 198.51.100.1 -LogPath /tmp/netnsps-diag-wan.log
        $script:blueWeb = Start-NsWebServer -Namespace blue -Port 8000 -LogPath /tmp/netnsps-diag-blue.log
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null

        $script:publish = 'Publish-NsPort red -InternalPort 80 -ExternalPort 8080'
        $script:nft = (Get-FirewallDriverName) -eq 'nftables'

        function Remove-NftRule {
            # Deletes the module's rule with this comment (nft deletes by handle).
            param([string] $Chain, [string] $Comment)
            $line = @(& nft -a list chain inet netnsps $Chain | Where-Object { $_ -match ('comment "' + [regex]::Escape($Comment) + '" # handle (\d+)$') })
            $line.Count | Should -Be 1
            $null = $line[0] -match '# handle (\d+)$'
            Invoke-Checked nft delete rule inet netnsps $Chain handle $Matches[1] | Out-Null
        }

        function Remove-NftHook {
            # Re-makes a module base chain as a regular chain with the same rules: nothing hooks it any more.
            param([string] $Chain)
            $rules = @(& nft list chain inet netnsps $Chain | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -notmatch '^(table|chain|type|\})' })
            Invoke-Checked nft delete chain inet netnsps $Chain | Out-Null
            Invoke-Checked nft add chain inet netnsps $Chain | Out-Null
            foreach ($rule in $rules) { Invoke-Checked nft add rule inet netnsps $Chain $rule | Out-Null }   # nft joins its arguments
        }

        function Get-NotOk([string] $Namespace = 'red') { @(Get-NsDiagnostic $Namespace | Where-Object Status -ne Ok) }

        function Assert-OnlyFailure {
            # Exactly one check is not Ok: this one, Failed, with this Fix. Returns it.
            param([string] $Check, [string] $Fix, [string] $Namespace = 'red')
            $bad = Get-NotOk $Namespace
            $bad.Check | Should -Be @($Check)
            $bad[0].Status | Should -Be 'Failed'
            $bad[0].Fix | Should -Be $Fix
            $bad[0].Why | Should -Not -BeNullOrEmpty
            $bad[0]
        }

        function Invoke-Fix {
            # Runs the Fix as a user would paste it, then everything must be Ok again.
            param([Parameter(Mandatory)] $Diagnostic)
            Invoke-Expression $Diagnostic.Fix | Out-Null
            Get-NotOk | Should -BeNullOrEmpty
        }

        function Assert-Tcp {
            # curl (through ip netns exec) and Test-NsConnection agree on a TCP service: both reach it, or neither does.
            param([string] $From, [Parameter(Mandatory)][string] $Address, [int] $Port, [bool] $Reachable)
            $where = @{}
            if ($From) { $where.Namespace = $From }
            $page = Get-Page -Namespace $From -Url "http://${Address}:$Port/"
            $test = Test-NsConnection @where -ComputerName $Address -Port $Port -TimeoutSeconds 1
            if ($Reachable) {
                $page | Should -Match '^hello from '
                $test.TcpTestSucceeded | Should -BeTrue
            } else {
                $page | Should -BeNullOrEmpty
                $test.TcpTestSucceeded | Should -BeFalse
            }
        }

        function Assert-Ping {
            # iputils ping and Test-NsConnection agree.
            param([Parameter(Mandatory)][string] $From, [Parameter(Mandatory)][string] $Address, [bool] $Reachable)
            Test-Ping -Namespace $From -Target $Address | Should -Be $Reachable
            (Test-NsConnection -Namespace $From -ComputerName $Address -TimeoutSeconds 1).PingSucceeded | Should -Be $Reachable
        }

        function Remove-BridgeAccept {
            # What New-NetBridge (run as a Fix) accepted where FORWARD dropped, taken away by hand: its tagged rules in
            # iptables and in the nft table, and, under nftables, the FORWARD shim the cmdlet fixes made in iptables.
            foreach ($line in @(& iptables-save -t filter | Where-Object { $_ -match '^-A NETNSPS-FORWARD .*netnsps:bridge:' })) {
                $spec = ($line -replace '^-A ', '' -replace '"', '') -split ' '   # these rules hold no spaces within quotes
                Invoke-Checked iptables -w -t filter -D @spec | Out-Null
            }
            if ($script:nft) {
                foreach ($line in @(& nft -a list chain inet netnsps filter-forward 2>$null | Where-Object { $_ -match 'comment "netnsps:bridge:[^"]*" # handle (\d+)$' })) {
                    $null = $line -match '# handle (\d+)$'
                    Invoke-Checked nft delete rule inet netnsps filter-forward handle $Matches[1] | Out-Null
                }
                & iptables -w -F FORWARD 2>$null
                & iptables -w -F NETNSPS-FORWARD 2>$null
                & iptables -w -X NETNSPS-FORWARD 2>$null
            }
        }

        function Restore-Setup {
            # Converges back to the full setup whatever a test left behind (every cmdlet here is idempotent).
            & iptables -w -P FORWARD ACCEPT 2>$null
            Enable-IpForward | Out-Null
            Enable-NsMasquerade bridge0 | Out-Null
            Enable-BridgeNetfilter | Out-Null
            Invoke-Expression $script:publish | Out-Null
            Set-BridgeHairpin veth-red-br | Out-Null
            Add-NsRoute -Namespace red -NextHop 192.168.15.1 -ErrorAction SilentlyContinue | Out-Null
        }
    }
    AfterEach {
        & iptables -w -P FORWARD ACCEPT 2>$null
    }
    AfterAll {
        & iptables -w -P FORWARD ACCEPT 2>$null
        foreach ($p in $script:web, $script:wanWeb, $script:blueWeb) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
    }

    It 'everything is Ok on the full setup, and each of red''s checks is there' {
        $all = Get-NsDiagnostic red
        $all | Should -BeOfType NetNsPS.NsDiagnostic
        ($all | Where-Object Status -ne Ok | ForEach-Object { "$($_.Check): $($_.Observed)" }) | Should -BeNullOrEmpty
        $all | Where-Object Fix | Should -BeNullOrEmpty
        $all | Where-Object { -not $_.Why } | Should -BeNullOrEmpty
        ($all | Where-Object { -not $_.Namespace }).Check | Should -Be @(
            'IP forwarding', 'FORWARD out of bridge0', 'FORWARD within bridge0', 'iptables backends', 'firewalld', 'ufw', 'other firewall tools', 'NetNsPS jumps')
        ($all | Where-Object Namespace -eq red).Check | Should -Be @(
            'Bridge port', 'Links up', 'Bridge address', 'Address', 'Default route', 'Masquerade',
            'DNAT PREROUTING :8080', 'DNAT OUTPUT :8080', 'Hairpin masquerade :8080', 'FORWARD to :8080',
            'route_localnet bridge0', 'Bridge netfilter', 'Localhost masquerade bridge0', 'Localnet guard bridge0', 'Hairpin mode veth-red-br')
        if ($script:nft) {
            ($all | Where-Object Check -eq 'Masquerade').Observed | Should -BeLike '*inet netnsps nat-postrouting (NetNsPS): oifname != "bridge0" ip saddr 192.168.15.0/24 masquerade'
            ($all | Where-Object Check -eq 'DNAT PREROUTING :8080').Observed | Should -BeLike '*inet netnsps nat-prerouting (NetNsPS): @nat-prerouting-any4 { tcp . 8080 : 192.168.15.2 . 80 }'
        } else {
            ($all | Where-Object Check -eq 'Masquerade').Observed | Should -BeLike '*nat NETNSPS-POSTROUTING (NetNsPS): -s 192.168.15.0/24 ! -o bridge0 -j MASQUERADE'
        }
    }

    It 'and the traffic agrees: all four ways to the published port, and out to the internet' {
        Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
        Assert-Tcp -Address 127.0.0.1 -Port 8080 -Reachable $true
        Assert-Tcp -From blue -Address 192.168.15.1 -Port 8080 -Reachable $true
        Assert-Tcp -From red -Address 192.168.15.1 -Port 8080 -Reachable $true
        Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
    }

    It 'without -Namespace: only the host-wide checks' {
        $host_ = Get-NsDiagnostic
        $host_.Check | Should -Be @('IP forwarding', 'FORWARD out of bridge0', 'FORWARD within bridge0', 'iptables backends', 'firewalld', 'ufw', 'other firewall tools', 'NetNsPS jumps')
        $host_ | Where-Object Namespace | Should -BeNullOrEmpty
    }

    It 'takes namespaces from the pipeline (Get-NetNamespace | Get-NsDiagnostic): host-wide checks once' {
        $all = Get-NetNamespace red, blue | Get-NsDiagnostic
        @($all | Where-Object Check -eq 'IP forwarding').Count | Should -Be 1
        ($all | Where-Object Check -eq 'Default route').Namespace | Should -Be @('red', 'blue')
        $all | Where-Object { $_.Namespace -eq 'blue' -and $_.Check -like 'DNAT*' } | Should -BeNullOrEmpty
    }

    It 'takes Get-NsPort output (-ExternalPort by property name) and checks only that port' {
        $checks = Get-NsPort -ExternalPort 8080 | Get-NsDiagnostic
        ($checks | Where-Object Check -like 'DNAT*').Check | Should -Be @('DNAT PREROUTING :8080', 'DNAT OUTPUT :8080')
        (Get-NsDiagnostic -ExternalPort 8080 | Where-Object Namespace).Namespace | Select-Object -Unique | Should -Be 'red'
    }

    It 'a port nobody published: Failed, naming the port' {
        $port = Get-NsDiagnostic red -ExternalPort 9999 | Where-Object Check -eq 'Port :9999'
        $port.Status | Should -Be 'Failed'
        $port.Fix | Should -BeLike 'Publish-NsPort red -InternalPort * -ExternalPort 9999'
    }

    It 'a missing namespace is NamespaceNotFound' {
        Get-NsDiagnostic nowhere -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'NamespaceNotFound,NetNsPS.Commands.GetNsDiagnosticCommand'
    }

    It 'the default view fits in 120 columns: one check per line, grouped by namespace' {
        # The view itself is checked at 80 and 120 columns with long names and fixes in 34-Format.
        $lines = Get-NsDiagnostic red | Out-String -Width 120 -Stream
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
        $lines | Where-Object { $_ -match '^\s+Namespace: red$' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^Ok\s+Bridge port\s+veth-red' } | Should -Not -BeNullOrEmpty
    }

    Context 'each prerequisite broken, found, and repaired by its Fix' {
        AfterEach { Restore-Setup }

        It 'ip_forward off: wan cannot reach the published port, red cannot reach wan' {
            Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
            Assert-Ping -From red -Address 198.51.100.1 -Reachable $true
            Invoke-Checked sysctl -q -w net.ipv4.ip_forward=0

            $d = Assert-OnlyFailure -Check 'IP forwarding' -Fix 'Enable-IpForward'
            $d.Observed | Should -Be 'net.ipv4.ip_forward = 0'
            $d.Namespace | Should -BeNullOrEmpty
            Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $false
            Assert-Ping -From red -Address 198.51.100.1 -Reachable $false

            Invoke-Fix $d
            Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
            Assert-Ping -From red -Address 198.51.100.1 -Reachable $true
        }

        It 'hairpin off: red cannot reach its own published port' {
            Assert-Tcp -From red -Address 192.168.15.1 -Port 8080 -Reachable $true
            Invoke-Checked ip link set veth-red-br type bridge_slave hairpin off

            $d = Assert-OnlyFailure -Check 'Hairpin mode veth-red-br' -Fix 'Set-BridgeHairpin veth-red-br'
            $d.Observed | Should -Be 'veth-red-br: hairpin off'
            Assert-Tcp -From red -Address 192.168.15.1 -Port 8080 -Reachable $false
            Assert-Tcp -From blue -Address 192.168.15.1 -Port 8080 -Reachable $true   # a sibling does not need it

            Invoke-Fix $d
            Assert-Tcp -From red -Address 192.168.15.1 -Port 8080 -Reachable $true
        }

        It 'route_localnet off: the host''s localhost:8080 fails' {
            Assert-Tcp -Address 127.0.0.1 -Port 8080 -Reachable $true
            Invoke-Checked sysctl -q -w net.ipv4.conf.bridge0.route_localnet=0

            $d = Assert-OnlyFailure -Check 'route_localnet bridge0' -Fix $script:publish
            $d.Observed | Should -Be 'net.ipv4.conf.bridge0.route_localnet = 0'
            Assert-Tcp -Address 127.0.0.1 -Port 8080 -Reachable $false

            Invoke-Fix $d
            Assert-Tcp -Address 127.0.0.1 -Port 8080 -Reachable $true
        }

        It 'masquerade removed: red''s packets reach wan with a source wan cannot answer' {
            Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
            if ($script:nft) { Remove-NftRule nat-postrouting netnsps:masq:bridge0 }
            else { Invoke-Checked iptables -w -t nat -D NETNSPS-POSTROUTING -s 192.168.15.0/24 '!' -o bridge0 -m comment --comment netnsps:masq:bridge0 -j MASQUERADE }

            $d = Assert-OnlyFailure -Check 'Masquerade' -Fix 'Enable-NsMasquerade bridge0'
            Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $false

            Invoke-Fix $d
            Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
        }

        It 'the article''s own MASQUERADE rule, written by hand in nat POSTROUTING, is Ok and says where it is' {
            if ($script:nft) { Remove-NftRule nat-postrouting netnsps:masq:bridge0 }
            else { Invoke-Checked iptables -w -t nat -D NETNSPS-POSTROUTING -s 192.168.15.0/24 '!' -o bridge0 -m comment --comment netnsps:masq:bridge0 -j MASQUERADE }
            Invoke-Checked iptables -w -t nat -A POSTROUTING -s 192.168.15.0/24 '!' -o bridge0 -j MASQUERADE
            try {
                $m = Get-NsDiagnostic red | Where-Object Check -eq 'Masquerade'
                $m.Status | Should -Be 'Ok'
                # Under nftables it is iptables-nft's own base chain on the same hook, shown in iptables' words.
                $where = if ($script:nft) { 'ip nat POSTROUTING rule 1' } else { 'nat POSTROUTING rule 2' }
                $m.Observed | Should -Match "masqueraded by $where, not NetNsPS's: -s 192\.168\.15\.0/24 ! -o bridge0 -j MASQUERADE$"
                Get-NotOk | Should -BeNullOrEmpty
                Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
            } finally {
                & iptables -w -t nat -D POSTROUTING -s 192.168.15.0/24 '!' -o bridge0 -j MASQUERADE
            }
        }

        It 'default route removed: red has no way out' {
            Assert-Ping -From red -Address 198.51.100.1 -Reachable $true
            Invoke-Checked ip -n red route del default

            $d = Assert-OnlyFailure -Check 'Default route' -Fix 'Add-NsRoute -Namespace red -NextHop 192.168.15.1'
            $d.Observed | Should -Be 'no default route'
            Assert-Ping -From red -Address 198.51.100.1 -Reachable $false
            Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $false   # red's replies cannot leave either

            Invoke-Fix $d
            Assert-Ping -From red -Address 198.51.100.1 -Reachable $true
            Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
        }

        It 'bridge-nf-call-iptables off: blue''s reply from red is not un-DNATed' {
            Assert-Tcp -From blue -Address 192.168.15.1 -Port 8080 -Reachable $true
            Invoke-Checked sysctl -q -w net.bridge.bridge-nf-call-iptables=0

            $d = Assert-OnlyFailure -Check 'Bridge netfilter' -Fix 'Enable-BridgeNetfilter'
            $d.Observed | Should -Be 'net.bridge.bridge-nf-call-iptables = 0'
            Assert-Tcp -From blue -Address 192.168.15.1 -Port 8080 -Reachable $false

            Invoke-Fix $d
            Assert-Tcp -From blue -Address 192.168.15.1 -Port 8080 -Reachable $true
        }

        It 'FORWARD policy DROP: with br_netfilter, red and blue can no longer talk directly' {
            Assert-Tcp -From red -Address 192.168.15.3 -Port 8000 -Reachable $true
            Assert-Ping -From red -Address 192.168.15.3 -Reachable $true
            Invoke-Checked iptables -w -P FORWARD DROP
            try {
                if ($script:nft) {
                    # iptables-nft's ip filter FORWARD is a base chain of its own: its drop wins over the module's
                    # accepts in inet netnsps, so everything forwarded fails. Each Fix is the cmdlet that made the
                    # accepts, run again: now that FORWARD drops it also puts them in the shim (NETNSPS-FORWARD, first).
                    $bad = Get-NotOk
                    $bad.Check | Should -Be @('FORWARD out of bridge0', 'FORWARD within bridge0', 'FORWARD to :8080')
                    $bad | ForEach-Object { $_.Status | Should -Be 'Failed'; $_.Observed | Should -BeLike '*dropped by ip filter FORWARD policy DROP*' }
                    # Publish-NsPort's accept lets new connections in; the replies out need Enable-NsMasquerade's.
                    $bad.Fix | Should -Be @('Enable-NsMasquerade bridge0', 'New-NetBridge bridge0', "$script:publish; Enable-NsMasquerade bridge0")
                    Assert-Tcp -From red -Address 192.168.15.3 -Port 8000 -Reachable $false
                    Assert-Ping -From red -Address 192.168.15.3 -Reachable $false
                    Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $false
                    Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $false

                    $bad | ForEach-Object { Invoke-Expression $_.Fix | Out-Null }
                    Get-NotOk | Should -BeNullOrEmpty
                    Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
                    Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
                } else {
                    # New-NetBridge, run again now that FORWARD drops, accepts the bridge's own traffic in NETNSPS-FORWARD.
                    $d = Assert-OnlyFailure -Check 'FORWARD within bridge0' -Fix 'New-NetBridge bridge0'
                    $d.Namespace | Should -BeNullOrEmpty
                    $d.Observed | Should -BeLike 'new: dropped by filter FORWARD policy DROP*'
                    Assert-Tcp -From red -Address 192.168.15.3 -Port 8000 -Reachable $false
                    Assert-Ping -From red -Address 192.168.15.3 -Reachable $false
                    # NetNsPS's own FORWARD rules keep the rest working.
                    Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
                    Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true

                    Invoke-Fix $d
                }
                (& iptables -S FORWARD) | Should -Contain '-P FORWARD DROP'   # the narrow fix, not the policy
                Assert-Tcp -From red -Address 192.168.15.3 -Port 8000 -Reachable $true
                Assert-Ping -From red -Address 192.168.15.3 -Reachable $true
            } finally {
                & iptables -w -P FORWARD ACCEPT
                Remove-BridgeAccept
            }
        }

        It 'what Docker''s iptables mode leaves behind (FORWARD DROP, masquerade not by NetNsPS): Enable-NsMasquerade repairs it' {
            Disable-NsMasquerade bridge0
            Invoke-Checked iptables -w -t nat -A POSTROUTING -s 192.168.15.0/24 '!' -o bridge0 -j MASQUERADE
            Invoke-Checked iptables -w -P FORWARD DROP
            try {
                Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $false
                $bad = Get-NotOk
                $out = $bad | Where-Object Check -eq 'FORWARD out of bridge0'
                $out.Status | Should -Be 'Failed'
                # Under nftables too: where iptables' FORWARD drops, its accepts also go into the shim there.
                $out.Fix | Should -Be 'Enable-NsMasquerade bridge0'
                if ($script:nft) {
                    $out.Observed | Should -BeLike 'out: dropped by ip filter FORWARD policy DROP*'
                } else {
                    $out.Observed | Should -BeLike 'out: dropped by filter FORWARD policy DROP*'
                }
                ($bad | Where-Object Check -eq 'Masquerade') | Should -BeNullOrEmpty   # the hand-written rule does that job

                $bad | ForEach-Object { Invoke-Expression $_.Fix | Out-Null }
                Get-NotOk | Should -BeNullOrEmpty
                Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
                Assert-Tcp -From red -Address 192.168.15.3 -Port 8000 -Reachable $true
            } finally {
                & iptables -w -P FORWARD ACCEPT
                & iptables -w -t nat -D POSTROUTING -s 192.168.15.0/24 '!' -o bridge0 -j MASQUERADE
                Remove-BridgeAccept
            }
        }

        It 'a jump into a NetNsPS chain deleted by hand: Failed, and re-running the cmdlet that made it restores it' {
            Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
            if ($script:nft) { Remove-NftHook nat-postrouting }   # nftables has no jumps: the base chain loses its hook
            else { Invoke-Checked iptables -w -t nat -D POSTROUTING -j NETNSPS-POSTROUTING }

            $bad = Get-NotOk
            $jumps = $bad | Where-Object Check -eq 'NetNsPS jumps'
            $jumps.Status | Should -Be 'Failed'
            if ($script:nft) {
                $jumps.Observed | Should -BeLike 'inet netnsps nat-postrouting is a regular chain, hooked nowhere*'
                $jumps.Fix | Should -Be "nft delete chain inet netnsps nat-postrouting; nft delete set inet netnsps nat-postrouting-hairpin4; nft delete set inet netnsps nat-postrouting-hairpin6; Enable-NsMasquerade bridge0; $script:publish"
            } else {
                $jumps.Observed | Should -BeLike 'no jump from nat POSTROUTING to NETNSPS-POSTROUTING*'
                $jumps.Fix | Should -Be 'Enable-NsMasquerade bridge0'
            }
            $bad.Check | Should -Contain 'Masquerade'
            $bad.Check | Should -Contain 'Hairpin masquerade :8080'
            Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $false
            Assert-Tcp -From red -Address 192.168.15.1 -Port 8080 -Reachable $false

            Invoke-Fix $jumps   # one chain, one jump: every check that needed it is Ok again
            Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
            Assert-Tcp -From red -Address 192.168.15.1 -Port 8080 -Reachable $true
        }

        It 'a stale DNAT of another tool shadowing the port: Failed, Fix deletes exactly that rule' {
            Invoke-Checked iptables -w -t nat -I PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.168.15.3:81
            try {
                # Under nftables: iptables-nft's ip nat PREROUTING, at the module's priority but made later, so it runs first.
                $tool, $table = if ($script:nft) { 'iptables-nft', 'ip nat' } else { 'iptables', 'nat' }
                $d = Assert-OnlyFailure -Check 'DNAT PREROUTING :8080' -Fix "$tool -w -t nat -D PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.15.3:81"
                $d.Observed | Should -BeLike "*DNATed by $table PREROUTING rule 1, not NetNsPS's*192.168.15.3:81"
                Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $false

                Invoke-Fix $d
                Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
            } finally {
                & iptables -w -t nat -D PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.168.15.3:81 2>$null
            }
        }

        It 'the published port''s DNAT deleted by hand (an element of the map under nftables): only that check, Publish-NsPort repairs it' {
            Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
            if ($script:nft) { Invoke-Checked nft delete element inet netnsps nat-prerouting-any4 '{ tcp . 8080 }' | Out-Null }
            else { Invoke-Checked iptables -w -t nat -D NETNSPS-PREROUTING -p tcp -m tcp --dport 8080 -m comment --comment netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat -j DNAT --to-destination 192.168.15.2:80 }

            $d = Assert-OnlyFailure -Check 'DNAT PREROUTING :8080' -Fix $script:publish
            $d.Observed | Should -Be $(if ($script:nft) { 'from other machines: no rule in a nat chain on hook prerouting matches' } else { 'from other machines: no rule in nat PREROUTING matches' })
            Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $false
            Assert-Tcp -Address 127.0.0.1 -Port 8080 -Reachable $true   # OUTPUT's DNAT is still there

            Invoke-Fix $d
            Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
        }

        It 'a drop planted in another nftables table (inet othertool): Failed, naming it; the Fix is New-NetBridge -AcceptInChain' -Skip:($env:NETNSPS_FIREWALL -ne 'nftables') {
            # (Under the iptables driver the diagnostics read iptables-save only: nft tables are not in its view.)
            Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
            Invoke-Checked nft add table inet othertool | Out-Null
            Invoke-Checked nft add chain inet othertool forward '{ type filter hook forward priority 10; policy accept; }' | Out-Null
            Invoke-Checked nft add rule inet othertool forward iifname bridge0 drop | Out-Null
            try {
                $bad = Get-NotOk
                $bad.Check | Should -Be @('FORWARD out of bridge0', 'FORWARD within bridge0', 'FORWARD to :8080')
                $out = $bad | Where-Object Check -eq 'FORWARD out of bridge0'
                $out.Status | Should -Be 'Failed'
                $out.Observed | Should -BeLike 'out: dropped by inet othertool forward rule 1, not NetNsPS''s: iifname "bridge0" drop*'
                # An accept in NetNsPS's table cannot override that drop: the fix puts the bridge's accepts first in that chain.
                $out.Fix | Should -Be "New-NetBridge bridge0 -AcceptInChain 'inet othertool forward'"
                Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $false
                Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $false
                Assert-Tcp -From red -Address 192.168.15.3 -Port 8000 -Reachable $false

                $bad | ForEach-Object { Invoke-Expression $_.Fix | Out-Null }
                Get-NotOk | Should -BeNullOrEmpty
                (& nft list chain inet othertool forward) -match 'iifname "bridge0" drop' | Should -Not -BeNullOrEmpty   # its drop stays
                Assert-Tcp -From red -Address 198.51.100.1 -Port 8000 -Reachable $true
                Assert-Tcp -From wan -Address 198.51.100.2 -Port 8080 -Reachable $true
                Assert-Tcp -From red -Address 192.168.15.3 -Port 8000 -Reachable $true
            } finally {
                & nft delete table inet othertool 2>$null
            }
        }

        It 'iptables-legacy holding rules too (split brain): Warning naming both; the Fix moves them into nf_tables' {
            Invoke-Checked iptables-legacy -w -t filter -A FORWARD -i docker0 -j ACCEPT
            try {
                $d = @(Get-NotOk)
                $d.Check | Should -Be @('iptables backends')
                $d[0].Status | Should -Be 'Warning'
                $tables = if ($script:nft) { 'inet netnsps' } else { 'filter, nat, raw' }
                $d[0].Observed | Should -Match "^nf_tables: \d+ rules in $tables; legacy: 1 rules in filter; iptables is nf_tables$"
                $d[0].Fix | Should -Be "iptables-legacy-save | grep -v '^:[A-Z]* ACCEPT ' | iptables-nft-restore --noflush && iptables-legacy -w -t filter -F && iptables-legacy -w -t filter -X"

                Invoke-Fix $d[0]
                # (iptables-nft now warns on stderr that legacy tables exist, which they do, empty, until the sandbox ends.)
                (& iptables-legacy-save) -match '^-A ' | Should -BeNullOrEmpty
                (& iptables-save -t filter 2>$null) | Should -Contain '-A FORWARD -i docker0 -j ACCEPT'
                (& iptables -S FORWARD 2>$null) | Should -Contain '-P FORWARD ACCEPT'
            } finally {
                & iptables-legacy -w -t filter -F 2>$null
                & iptables -w -D FORWARD -i docker0 -j ACCEPT 2>$null
            }
        }
    }

    It 'changes nothing: the state before and after a run is the same' {
        $before = Get-StateDump
        Get-NsDiagnostic red | Out-Null
        Get-NetNamespace | Get-NsDiagnostic | Out-Null
        Get-StateDump | Should -Be $before
        $before | Should -Match $(if ($script:nft) { 'table inet netnsps' } else { 'NETNSPS-POSTROUTING' })   # the dump does hold the rules it compares
    }
}
