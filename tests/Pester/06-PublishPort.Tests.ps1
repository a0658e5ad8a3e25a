# The article's "Publish a port", "Localhost access", "Access from blue namespace" and "Hairpin NAT".
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'Publish a port' {
    BeforeAll {
        Reset-Sandbox
        # Another tool's rules and chain, planted first: they must survive setup and teardown untouched.
        Invoke-Checked iptables -w -t nat -N DOCKER
        Invoke-Checked iptables -w -t nat -A DOCKER -i docker0 -j RETURN
        Invoke-Checked iptables -w -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        Invoke-Checked iptables -w -t filter -A INPUT -p tcp --dport 22 -j ACCEPT
        $script:othersRules = (& iptables-save | Where-Object { $_ -match 'DOCKER|dport 22' })
        # And another tool's nftables table, which the nftables driver must leave alone.
        "add table inet othertool`nadd chain inet othertool input { type filter hook input priority 10; policy accept; }`nadd rule inet othertool input tcp dport 22 accept comment `"othertool ssh`"" | & nft -f -
        $script:othersTable = (& nft list table inet othertool) -join "`n"
        $script:nft = (Get-FirewallDriverName) -eq 'nftables'

        New-ArticleSetup
        New-Wan
        'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
        Enable-IpForward | Out-Null
        Enable-NsMasquerade bridge0 | Out-Null
        & ip -n wan route add default via 198.51.100.2
        $script:web = Start-NsWebServer -Namespace red -Port 80
        $script:beforePublish = Get-FirewallDump
    }
    AfterAll {
        if ($script:web) { Stop-Process -Id $script:web.Id -ErrorAction SilentlyContinue }
    }

    It 'publishes red:80 as 8080 and returns the mapping' {
        $m = Publish-NsPort red -InternalPort 80 -ExternalPort 8080
        $m.Protocol | Should -Be 'Tcp'
        $m.ExternalIPAddress | Should -Be '0.0.0.0'
        $m.InternalIPAddress | Should -Be '192.168.15.2'
        $m.Bridge | Should -Be 'bridge0'
        if ($script:nft) {
            (& nft list map inet netnsps nat-prerouting-any4) -join "`n" | Should -Match 'tcp \. 8080 comment "netnsps:port:tcp:0\.0\.0\.0:8080:red:bridge0:dnat" : 192\.168\.15\.2 \. 80'
            (& iptables-save) -match 'NETNSPS' | Should -BeNullOrEmpty -Because 'the nftables driver writes no iptables rule'
        } else {
            (& iptables -t nat -S NETNSPS-PREROUTING) -join "`n" | Should -Match '--dport 8080 .* -j DNAT --to-destination 192\.168\.15\.2:80'
        }
    }

    It 'from another machine: wan gets the page from 198.51.100.2:8080' {
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/' | Should -Be 'hello from red'
    }

    It 'from the host itself: curl localhost:8080' {
        Get-Page -Url 'http://localhost:8080/' | Should -Be 'hello from red'
        Get-Page -Url 'http://192.168.15.1:8080/' | Should -Be 'hello from red'
    }

    It 'route_localnet is on for bridge0 only, and a guard drops 127.0.0.0/8 arriving on the bridge' {
        & sysctl -n net.ipv4.conf.bridge0.route_localnet | Should -Be '1'
        & sysctl -n net.ipv4.conf.all.route_localnet | Should -Be '0'
        if ($script:nft) {
            (& nft list chain inet netnsps raw-prerouting) -join "`n" | Should -Match 'iifname "bridge0" ip daddr 127\.0\.0\.0/8 drop comment "netnsps:localnet:bridge0:guard"'
        } else {
            (& iptables -t raw -S NETNSPS-PREROUTING) -join "`n" | Should -Match '-d 127\.0\.0\.0/8 -i bridge0 .* -j DROP'
        }
    }

    It 'the guard stops a neighbour on the bridge from reaching the host''s loopback services' {
        # A service only on the host's 127.0.0.1, and blue crafting packets for 127.0.0.1 via the bridge.
        $local = Start-Process python3 -ArgumentList '-m', 'http.server', '9999', '--bind', '127.0.0.1' -RedirectStandardOutput /tmp/lo.out -RedirectStandardError /tmp/lo.err -PassThru
        try {
            foreach ($i in 1..50) { if (Get-Page -Url 'http://127.0.0.1:9999/') { break }; Start-Sleep -Milliseconds 100 }
            Invoke-Checked ip netns exec blue sysctl -q -w net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.veth-blue.route_localnet=1
            Invoke-Checked ip -n blue route add 127.0.0.1/32 via 192.168.15.1 dev veth-blue table 100
            # blue's own lo would answer first: look up the local table after the attacker's rule.
            Invoke-Checked ip -n blue rule add to 127.0.0.1/32 lookup 100 priority 10
            Invoke-Checked ip -n blue rule add lookup local priority 100
            Invoke-Checked ip -n blue rule del priority 0
            $mac = (& ip -j link show bridge0 | ConvertFrom-Json).address
            Invoke-Checked ip -n blue neigh replace 192.168.15.1 lladdr $mac dev veth-blue
            Get-Page -Namespace blue -Url 'http://127.0.0.1:9999/' | Should -BeNullOrEmpty -Because 'the guard drops it'
            # Without the guard the hole is real, which proves the test can fail.
            if ($script:nft) {
                $handle = ((& nft -a list chain inet netnsps raw-prerouting) -match 'guard" # handle \d+' -replace '.*# handle ', '').Trim()
                Invoke-Checked nft delete rule inet netnsps raw-prerouting handle $handle
            } else {
                $guard = (& iptables -t raw -S NETNSPS-PREROUTING | Where-Object { $_ -like '-A *' }) -replace '^-A ', '' -replace '"', ''
                $guardArgs = $guard -split ' '
                Invoke-Checked iptables -w -t raw -D @guardArgs
            }
            Get-Page -Namespace blue -Url 'http://127.0.0.1:9999/' | Should -Not -BeNullOrEmpty -Because 'without the guard route_localnet lets it in'
            Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null   # converges: puts the guard back
            Get-Page -Namespace blue -Url 'http://127.0.0.1:9999/' | Should -BeNullOrEmpty
        } finally {
            Stop-Process -Id $local.Id -ErrorAction SilentlyContinue
            & ip -n blue rule add lookup local priority 0 2>$null
            & ip -n blue rule del priority 100 2>$null
            & ip -n blue rule del to 127.0.0.1/32 lookup 100 priority 10 2>$null
            & ip -n blue route flush table 100 2>$null
            & ip netns exec blue sysctl -q -w net.ipv4.conf.all.route_localnet=0 net.ipv4.conf.veth-blue.route_localnet=0
        }
    }

    It 'from a sibling namespace: blue gets the page from 192.168.15.1:8080, and needs bridge netfilter' {
        Get-Page -Namespace blue -Url 'http://192.168.15.1:8080/' | Should -Be 'hello from red'
        & sysctl -q -w net.bridge.bridge-nf-call-iptables=0
        Get-Page -Namespace blue -Url 'http://192.168.15.1:8080/' | Should -BeNullOrEmpty -Because 'the reply bypasses iptables and is not un-DNATed'
        Enable-BridgeNetfilter | Out-Null
        Get-Page -Namespace blue -Url 'http://192.168.15.1:8080/' | Should -Be 'hello from red'
    }

    It 'from the same namespace (hairpin): red gets its own page through 192.168.15.1:8080' {
        Get-Page -Namespace red -Url 'http://192.168.15.1:8080/' | Should -Be 'hello from red'
        (Get-VethPair red).Hairpin | Should -BeTrue
        (& ip -d -j link show veth-red-br | ConvertFrom-Json).linkinfo.info_slave_data.hairpin | Should -BeTrue
    }

    It 'with hairpin mode off red''s own request fails, as the article shows; on again it works' {
        $pair = Set-BridgeHairpin veth-red-br -Enabled $false
        $pair.Hairpin | Should -BeFalse
        $pair.Namespace | Should -Be 'red'
        Get-Page -Namespace red -Url 'http://192.168.15.1:8080/' | Should -BeNullOrEmpty
        (Get-VethPair red | Set-BridgeHairpin).Hairpin | Should -BeTrue
        Get-Page -Namespace red -Url 'http://192.168.15.1:8080/' | Should -Be 'hello from red'
    }

    It 'publishing the same mapping again adds no rule' {
        $before = Get-IptablesDump
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Get-IptablesDump | Should -Be $before
    }

    It 'publishing 8080 to another target is an error naming the existing mapping' {
        $err = $null
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8080 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PortAlreadyPublished,NetNsPS.Commands.PublishNsPortCommand'
        $err[0].Exception.Message | Should -Match 'red 192\.168\.15\.2:80'
    }

    It 'Get-NsPort reads the live rules and a re-run repairs a rule deleted by hand' {
        (Get-NsPort).ExternalPort | Should -Be 8080
        (Get-NsPort red -ExternalPort 8080).InternalPort | Should -Be 80
        if ($script:nft) {
            Invoke-Checked nft delete element inet netnsps nat-output-any4 '{ tcp . 8080 }'
        } else {
            $output = (& iptables -t nat -S NETNSPS-OUTPUT | Where-Object { $_ -like '-A *' }) -replace '^-A ', '' -replace '"', ''
            $outputArgs = $output -split ' '
            Invoke-Checked iptables -w -t nat -D @outputArgs
        }
        Get-Page -Url 'http://localhost:8080/' | Should -BeNullOrEmpty
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 | Out-Null
        Get-Page -Url 'http://localhost:8080/' | Should -Be 'hello from red'
    }

    It 'publishes a UDP port too' {
        # A one-shot UDP echo in red; Start-Process would mangle quotes in a -c argument, so it runs from a file.
        Set-Content /tmp/netnsps-udp-echo.py @'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
data, peer = s.recvfrom(100)
s.sendto(b"pong:" + data, peer)
'@
        $udp = Start-Process ip -ArgumentList 'netns', 'exec', 'red', 'python3', '/tmp/netnsps-udp-echo.py' -PassThru -RedirectStandardError /tmp/udp.err
        try {
            foreach ($i in 1..50) { if ((& ip netns exec red ss -uln) -match ':5353 ') { break }; Start-Sleep -Milliseconds 100 }
            (Publish-NsPort red -Protocol Udp -InternalPort 5353 -ExternalPort 5353).Protocol | Should -Be 'Udp'
            $client = 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2); s.sendto(b"ping", ("198.51.100.2", 5353)); print(s.recv(100).decode())'
            & ip netns exec wan python3 -c $client | Should -Be 'pong:ping'
            Unpublish-NsPort -Protocol Udp -ExternalPort 5353
            Get-NsPort -Protocol Udp | Should -BeNullOrEmpty
        } finally { Stop-Process -Id $udp.Id -ErrorAction SilentlyContinue }
    }

    It 'Unpublish-NsPort takes Get-NsPort output and leaves iptables as before publishing' {
        Get-NsPort | Unpublish-NsPort
        Get-NsPort | Should -BeNullOrEmpty
        Get-Page -Namespace wan -Url 'http://198.51.100.2:8080/' | Should -BeNullOrEmpty
        Get-FirewallDump | Should -Be $script:beforePublish
        & sysctl -n net.ipv4.conf.bridge0.route_localnet | Should -Be '0'
        (Get-VethPair red).Hairpin | Should -BeFalse
    }

    It 'the other tool''s chain and rules are unchanged after setup and teardown' {
        Disable-NsMasquerade bridge0
        (& iptables-save | Where-Object { $_ -match 'DOCKER|dport 22' }) | Should -Be $script:othersRules
        (& iptables-save) -match 'NETNSPS' | Should -BeNullOrEmpty
        (& nft list table inet othertool) -join "`n" | Should -Be $script:othersTable
        (& nft list tables) -match 'netnsps' | Should -BeNullOrEmpty -Because 'the last rule takes the module''s table with it'
    }
}

Describe 'The second half with -WhatIf' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        New-Wan
    }

    It 'prints every raw command and changes nothing' {
        $before = Get-StateDump
        $out = Invoke-ChildPwsh @'
Add-NsRoute -Namespace red -NextHop 192.168.15.1 -InterfaceName veth-red -WhatIf
Enable-NsMasquerade bridge0 -WhatIf
Enable-IpForward -Persist -WhatIf
Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WhatIf
Set-BridgeHairpin veth-red-br -WhatIf
'@
        $whatIf = $out | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring(9) }
        $expected = if ((Get-FirewallDriverName) -eq 'nftables') { @(
            'ip -n red route add default via 192.168.15.1 dev veth-red'
            'nft add table inet netnsps'
            'nft add chain inet netnsps nat-postrouting ''{ type nat hook postrouting priority srcnat; policy accept; }'''
            'nft add rule inet netnsps nat-postrouting ''oifname != "bridge0" ip saddr 192.168.15.0/24 masquerade comment "netnsps:masq:bridge0"'''
            'sysctl -w net.ipv4.ip_forward=1'
            'nft add rule inet netnsps nat-prerouting ''fib daddr type local dnat ip to meta l4proto . th dport map @nat-prerouting-any4'''
            'nft add element inet netnsps nat-prerouting-any4 ''{ tcp . 8080 comment "netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat" : 192.168.15.2 . 80 }'''
            'nft add element inet netnsps nat-output-any4 ''{ tcp . 8080 comment "netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat" : 192.168.15.2 . 80 }'''
            'nft add rule inet netnsps nat-postrouting ''oifname "bridge0" fib saddr type local masquerade comment "netnsps:localnet:bridge0"'''
            'nft add element inet netnsps nat-postrouting-hairpin4 ''{ 192.168.15.2 . 192.168.15.2 . tcp . 80 comment "netnsps:port:tcp:0.0.0.0:8080:red:bridge0:hairpin" }'''
            'sysctl -w net.ipv4.conf.bridge0.route_localnet=1'
            'ip link set veth-red-br type bridge_slave hairpin on'
        ) } else { @(
            'ip -n red route add default via 192.168.15.1 dev veth-red'
            'iptables -w -t nat -N NETNSPS-POSTROUTING'
            'iptables -w -t nat -A POSTROUTING -j NETNSPS-POSTROUTING'
            'iptables -w -t nat -A NETNSPS-POSTROUTING -s 192.168.15.0/24 ! -o bridge0 -m comment --comment netnsps:masq:bridge0 -j MASQUERADE'
            'sysctl -w net.ipv4.ip_forward=1'
            'iptables -w -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j NETNSPS-PREROUTING'
            'iptables -w -t nat -A NETNSPS-PREROUTING -p tcp -m tcp --dport 8080 -m comment --comment netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat -j DNAT --to-destination 192.168.15.2:80'
            'iptables -w -t nat -A NETNSPS-OUTPUT -p tcp -m tcp --dport 8080 -m comment --comment netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat -j DNAT --to-destination 192.168.15.2:80'
            'iptables -w -t nat -A NETNSPS-POSTROUTING -o bridge0 -m addrtype --src-type LOCAL -m comment --comment netnsps:localnet:bridge0 -j MASQUERADE'
            'iptables -w -t nat -A NETNSPS-POSTROUTING -s 192.168.15.2/32 -d 192.168.15.2/32 -p tcp -m tcp --dport 80 -m comment --comment netnsps:port:tcp:0.0.0.0:8080:red:bridge0:hairpin -j MASQUERADE'
            'sysctl -w net.ipv4.conf.bridge0.route_localnet=1'
            'ip link set veth-red-br type bridge_slave hairpin on'
        ) }
        foreach ($line in $expected) { $whatIf | Should -Contain $line }
        ($whatIf -join "`n") | Should -Match "tee /etc/sysctl.d/99-netnsps.conf <<'EOF'"
        Get-StateDump | Should -Be $before
    }

    It 'each pasted What if: line is a command bash accepts as it is' {
        $out = Invoke-ChildPwsh 'Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WhatIf'
        $script = ($out | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring(9) }) -join "`n"
        # Pasted into bash, the commands bypass NetNsPS's record of what bridge-nf-call-iptables was, so
        # Unpublish-NsPort leaves that host-wide setting as the paste left it: start from that value.
        if (Test-Path /proc/sys/net/bridge) { Invoke-Checked sysctl -q -w net.bridge.bridge-nf-call-iptables=1 | Out-Null }
        $before = Get-StateDump
        & bash -e -c $script
        $LASTEXITCODE | Should -Be 0
        Get-NsPort -ExternalPort 8080 | ForEach-Object Namespace | Should -Be 'red'
        Get-NsPort | Unpublish-NsPort
        Get-StateDump | Should -Be $before
    }
}
