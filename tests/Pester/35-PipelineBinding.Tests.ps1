# Pipeline binding as a matrix: every output object (and a plain string) piped into every cmdlet. Each pair is
# either one that works, proved here to act on the right thing (the raw commands -WhatIf announces, or what a Get-
# cmdlet returns, in the article's setup), or one judged not meaningful, listed with the reason. A test checks that
# the two lists cover every pair of the module's cmdlets and output types, and overlap nowhere.
BeforeDiscovery {
    # Type: the input (a key of $script:inputs); Run: the pipeline, $In the input; WhatIf: regexes of the What if:
    # lines it must announce; Check: a script block on its output (-Not -BeNullOrEmpty checks are in it).
    $works = @(
        # NetNamespace red
        @{ Type = 'NetNamespace'; Cmdlet = 'Get-NetNamespace'; Run = { $In | Get-NetNamespace }; Check = { $Out.Name | Should -Be 'red' } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Remove-NetNamespace'; Run = { $In | Remove-NetNamespace -WhatIf }; WhatIf = 'ip netns del(ete)? red$' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Add-VethPair'; Run = { $In | Add-VethPair -Name veth-x -PeerName veth-x-br -WhatIf }; WhatIf = 'veth-x .*veth-x-br|veth-x-br .*veth-x', 'netns red' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Get-VethPair'; Run = { $In | Get-VethPair }; Check = { $Out.Name | Should -Be 'veth-red' } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Remove-VethPair'; Run = { $In | Remove-VethPair -WhatIf }; WhatIf = '-n red link del(ete)? veth-red' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Add-NsIPAddress'; Run = { $In | Add-NsIPAddress 10.1.1.1/24 -WhatIf }; WhatIf = '^ip -n red addr add 10\.1\.1\.1/24 dev veth-red$' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Get-NsIPAddress'; Run = { $In | Get-NsIPAddress }; Check = { $Out.IPAddress | Should -Contain '192.168.15.2'; $Out.Namespace | Sort-Object -Unique | Should -Be 'red' } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Add-NsRoute'; Run = { $In | Add-NsRoute -DestinationPrefix 10.9.0.0/16 -NextHop 192.168.15.1 -WhatIf }; WhatIf = '^ip -n red route add 10\.9\.0\.0/16 via 192\.168\.15\.1' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Get-NsRoute'; Run = { $In | Get-NsRoute }; Check = { $Out.Namespace | Sort-Object -Unique | Should -Be 'red'; $Out.NextHop | Should -Contain '192.168.15.1' } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Remove-NsRoute'; Run = { $In | Remove-NsRoute -WhatIf }; WhatIf = '^ip -n red route del(ete)? default' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Publish-NsPort'; Run = { $In | Publish-NsPort -InternalPort 81 -ExternalPort 8081 -WarningAction SilentlyContinue -WhatIf }; WhatIf = '--dport 8081 .*--to-destination 192\.168\.15\.2:81' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Get-NsPort'; Run = { $In | Get-NsPort }; Check = { $Out.ExternalPort | Should -Be 8080 } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Get-NsDiagnostic'; Run = { $In | Get-NsDiagnostic }; Check = { $Out.Namespace | Should -Contain 'red'; $Out.Check | Should -Contain 'Default route' } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Test-NsConnection'; Run = { $In | Test-NsConnection 192.168.15.3 -TimeoutSeconds 1 }; Check = { $Out.Namespace | Should -Be 'red'; $Out.PingSucceeded | Should -BeTrue } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Invoke-NsCommand'; Run = { $In | Invoke-NsCommand -Command ip -ArgumentList '-br', 'link' }; Check = { $Out -match '^veth-red@' | Should -HaveCount 1 } }
        # VethPair veth-red in red, host end veth-red-br (hairpin on)
        @{ Type = 'VethPair'; Cmdlet = 'Get-VethPair'; Run = { $In | Get-VethPair }; Check = { $Out.Name | Should -Be 'veth-red' } }
        @{ Type = 'VethPair'; Cmdlet = 'Remove-VethPair'; Run = { $In | Remove-VethPair -WhatIf }; WhatIf = '-n red link del(ete)? veth-red' }
        @{ Type = 'VethPair'; Cmdlet = 'Set-BridgeHairpin'; Run = { $In | Set-BridgeHairpin -Enabled $false -WhatIf }; WhatIf = '^ip link set veth-red-br type bridge_slave hairpin off$' }
        @{ Type = 'VethPair'; Cmdlet = 'Add-NsIPAddress'; Run = { $In | Add-NsIPAddress 10.1.1.2/24 -WhatIf }; WhatIf = '^ip -n red addr add 10\.1\.1\.2/24 dev veth-red$' }
        @{ Type = 'VethPair'; Cmdlet = 'Get-NsIPAddress'; Run = { $In | Get-NsIPAddress }; Check = { $Out.IPAddress | Should -Contain '192.168.15.2' } }
        @{ Type = 'VethPair'; Cmdlet = 'Add-NsRoute'; Run = { $In | Add-NsRoute -DestinationPrefix 10.9.0.0/16 -NextHop 192.168.15.1 -WhatIf }; WhatIf = '^ip -n red route add 10\.9\.0\.0/16 via 192\.168\.15\.1' }
        @{ Type = 'VethPair'; Cmdlet = 'Get-NsRoute'; Run = { $In | Get-NsRoute }; Check = { $Out.Namespace | Sort-Object -Unique | Should -Be 'red' } }
        @{ Type = 'VethPair'; Cmdlet = 'Get-NsDiagnostic'; Run = { $In | Get-NsDiagnostic }; Check = { $Out.Namespace | Should -Contain 'red' } }
        @{ Type = 'VethPair'; Cmdlet = 'Test-NsConnection'; Run = { $In | Test-NsConnection 192.168.15.3 -TimeoutSeconds 1 }; Check = { $Out.Namespace | Should -Be 'red' } }
        @{ Type = 'VethPair'; Cmdlet = 'Invoke-NsCommand'; Run = { $In | Invoke-NsCommand -Command hostname -WhatIf }; WhatIf = '^ip netns exec red hostname$' }
        # NetBridge bridge0 (192.168.15.1/24, masqueraded)
        @{ Type = 'NetBridge'; Cmdlet = 'Get-NetBridge'; Run = { $In | Get-NetBridge }; Check = { $Out.Name | Should -Be 'bridge0' } }
        @{ Type = 'NetBridge'; Cmdlet = 'Remove-NetBridge'; Run = { $In | Remove-NetBridge -WhatIf }; WhatIf = '^ip link del(ete)? bridge0' }
        @{ Type = 'NetBridge'; Cmdlet = 'Add-NsIPAddress'; Run = { $In | Add-NsIPAddress 10.1.1.3/24 -WhatIf }; WhatIf = '^ip addr add 10\.1\.1\.3/24 dev bridge0$' }
        @{ Type = 'NetBridge'; Cmdlet = 'Enable-NsMasquerade'; Run = { $In | Enable-NsMasquerade -SourcePrefix 10.77.0.0/16 -WhatIf }; WhatIf = '-s 10\.77\.0\.0/16 ! -o bridge0 .*MASQUERADE' }
        @{ Type = 'NetBridge'; Cmdlet = 'Disable-NsMasquerade'; Run = { $In | Disable-NsMasquerade -WhatIf }; WhatIf = '192\.168\.15\.0/24 ! -o bridge0 .*MASQUERADE' }
        @{ Type = 'NetBridge'; Cmdlet = 'Get-NsMasquerade'; Run = { $In | Get-NsMasquerade }; Check = { $Out.SourcePrefix | Should -Be '192.168.15.0/24' } }
        # NsIPAddress 192.168.15.2/24 on veth-red in red
        @{ Type = 'NsIPAddress'; Cmdlet = 'Remove-NsIPAddress'; Run = { $In | Remove-NsIPAddress -WhatIf }; WhatIf = '^ip -n red addr del 192\.168\.15\.2/24 dev veth-red$' }
        @{ Type = 'NsIPAddress'; Cmdlet = 'Get-NsIPAddress'; Run = { $In | Get-NsIPAddress }; Check = { $Out.IPAddress | Should -Be '192.168.15.2' } }
        @{ Type = 'NsIPAddress'; Cmdlet = 'Test-NsConnection'; Run = { $In | Test-NsConnection -Namespace blue -TimeoutSeconds 1 }; Check = { $Out.Namespace | Should -Be 'blue'; $Out.RemoteAddress | Should -Be '192.168.15.2'; $Out.PingSucceeded | Should -BeTrue } }
        # NsRoute: red's default route via 192.168.15.1
        @{ Type = 'NsRoute'; Cmdlet = 'Remove-NsRoute'; Run = { $In | Remove-NsRoute -WhatIf }; WhatIf = '^ip -n red route del(ete)? default via 192\.168\.15\.1' }
        @{ Type = 'NsRoute'; Cmdlet = 'Get-NsRoute'; Run = { $In | Get-NsRoute }; Check = { $Out.DestinationPrefix | Should -Contain '0.0.0.0/0' } }
        # NsPortMapping tcp 8080 -> red 192.168.15.2:80
        @{ Type = 'NsPortMapping'; Cmdlet = 'Unpublish-NsPort'; Run = { $In | Unpublish-NsPort -WhatIf }; WhatIf = '--dport 8080 .*--to-destination 192\.168\.15\.2:80' }
        @{ Type = 'NsPortMapping'; Cmdlet = 'Publish-NsPort'; Run = { $In | Publish-NsPort -ExternalPort 8090 -WarningAction SilentlyContinue -WhatIf }; WhatIf = '--dport 8090 .*--to-destination 192\.168\.15\.2:80' }
        @{ Type = 'NsPortMapping'; Cmdlet = 'Get-NsPort'; Run = { $In | Get-NsPort }; Check = { $Out.ExternalPort | Should -Be 8080 } }
        @{ Type = 'NsPortMapping'; Cmdlet = 'Get-NsDiagnostic'; Run = { $In | Get-NsDiagnostic }; Check = { $Out.Check | Should -Contain 'DNAT PREROUTING :8080' } }
        # NsMasquerade 192.168.15.0/24 ! -o bridge0
        @{ Type = 'NsMasquerade'; Cmdlet = 'Disable-NsMasquerade'; Run = { $In | Disable-NsMasquerade -WhatIf }; WhatIf = '192\.168\.15\.0/24 ! -o bridge0 .*MASQUERADE' }
        @{ Type = 'NsMasquerade'; Cmdlet = 'Enable-NsMasquerade'; Run = { $In | Enable-NsMasquerade }; Check = { $Out.Bridge | Should -Be 'bridge0'; $Out.SourcePrefix | Should -Be '192.168.15.0/24' } }
        @{ Type = 'NsMasquerade'; Cmdlet = 'Get-NsMasquerade'; Run = { $In | Get-NsMasquerade }; Check = { $Out.Bridge | Should -Be 'bridge0' } }
        # NsConnectionTestResult red -> 192.168.15.3
        @{ Type = 'NsConnectionTestResult'; Cmdlet = 'Test-NsConnection'; Run = { $In | Test-NsConnection -TimeoutSeconds 1 }; Check = { $Out.Namespace | Should -Be 'red'; $Out.RemoteAddress | Should -Be '192.168.15.3'; $Out.RemotePort | Should -Be 9 } }
        # Router namespaces and links: NetNamespace red, VethPair veth-red, NsLink to-r2 in r1 (10.0.12.1/30) <-> to-r1 in r2
        @{ Type = 'NetNamespace'; Cmdlet = 'Enable-IpForward'; Run = { $In | Enable-IpForward -WhatIf }; WhatIf = '^ip netns exec red sysctl -w net\.ipv4\.ip_forward=1$' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Get-IpForward'; Run = { $In | Get-IpForward }; Check = { $Out.Namespace | Should -Be 'red'; $Out.Value | Should -Be '0' } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Disable-IpForward'; Run = { $In | Disable-IpForward -WhatIf } }
        @{ Type = 'NetNamespace'; Cmdlet = 'Add-NsLink'; Run = { $In | Add-NsLink -PeerNamespace blue -Name l-x -PeerName l-y -WhatIf }; WhatIf = '^ip link add l-x netns red type veth peer name l-y netns blue$' }
        @{ Type = 'NetNamespace'; Cmdlet = 'Get-NsLink'; Run = { $In | Get-NsLink } }
        @{ Type = 'VethPair'; Cmdlet = 'Enable-IpForward'; Run = { $In | Enable-IpForward -WhatIf }; WhatIf = '^ip netns exec red sysctl -w net\.ipv4\.ip_forward=1$' }
        @{ Type = 'VethPair'; Cmdlet = 'Get-IpForward'; Run = { $In | Get-IpForward }; Check = { $Out.Namespace | Should -Be 'red' } }
        @{ Type = 'VethPair'; Cmdlet = 'Remove-NsLink'; Run = { $In | Remove-NsLink -WhatIf }; WhatIf = '^ip -n red link delete veth-red$' }
        @{ Type = 'VethPair'; Cmdlet = 'Set-NsLinkShaping'; Run = { $In | Set-NsLinkShaping -Delay 20ms -WhatIf }; WhatIf = '^tc -n red qdisc replace dev veth-red root netem delay 20ms$' }
        @{ Type = 'VethPair'; Cmdlet = 'Get-NsLinkShaping'; Run = { $In | Get-NsLinkShaping } }
        @{ Type = 'VethPair'; Cmdlet = 'Remove-NsLinkShaping'; Run = { $In | Remove-NsLinkShaping -WhatIf } }
        @{ Type = 'NsLink'; Cmdlet = 'Get-NsLink'; Run = { $In | Get-NsLink }; Check = { $Out.InterfaceName | Should -Be 'to-r2'; $Out.PeerNamespace | Should -Be 'r2' } }
        @{ Type = 'NsLink'; Cmdlet = 'Remove-NsLink'; Run = { $In | Remove-NsLink -WhatIf }; WhatIf = '^ip -n r1 link delete to-r2$' }
        @{ Type = 'NsLink'; Cmdlet = 'Set-NsLinkShaping'; Run = { $In | Set-NsLinkShaping -Delay 20ms -Loss 1% -WhatIf }; WhatIf = '^tc -n r1 qdisc replace dev to-r2 root netem delay 20ms loss 1%$' }
        @{ Type = 'NsLink'; Cmdlet = 'Get-NsLinkShaping'; Run = { $In | Get-NsLinkShaping } }
        @{ Type = 'NsLink'; Cmdlet = 'Remove-NsLinkShaping'; Run = { $In | Remove-NsLinkShaping -WhatIf } }
        @{ Type = 'NsLink'; Cmdlet = 'Enable-IpForward'; Run = { $In | Enable-IpForward -WhatIf }; WhatIf = '^ip netns exec r1 sysctl -w net\.ipv4\.ip_forward=1$' }
        @{ Type = 'NsLink'; Cmdlet = 'Get-IpForward'; Run = { $In | Get-IpForward }; Check = { $Out.Namespace | Should -Be 'r1' } }
        @{ Type = 'NsLink'; Cmdlet = 'Disable-IpForward'; Run = { $In | Disable-IpForward -WhatIf } }
        @{ Type = 'NsLink'; Cmdlet = 'Add-NsIPAddress'; Run = { $In | Add-NsIPAddress 10.1.1.7/24 -WhatIf }; WhatIf = '^ip -n r1 addr add 10\.1\.1\.7/24 dev to-r2$' }
        @{ Type = 'NsLink'; Cmdlet = 'Get-NsIPAddress'; Run = { $In | Get-NsIPAddress }; Check = { $Out.IPAddress | Should -Be '10.0.12.1' } }
        @{ Type = 'NsLink'; Cmdlet = 'Add-NsRoute'; Run = { $In | Add-NsRoute -DestinationPrefix 10.9.0.0/16 -NextHop 10.0.12.2 -WhatIf }; WhatIf = '^ip -n r1 route add 10\.9\.0\.0/16 via 10\.0\.12\.2 dev to-r2$' }
        @{ Type = 'NsLink'; Cmdlet = 'Get-NsRoute'; Run = { $In | Get-NsRoute }; Check = { $Out.Namespace | Sort-Object -Unique | Should -Be 'r1' } }
        @{ Type = 'NsLink'; Cmdlet = 'Test-NsConnection'; Run = { $In | Test-NsConnection 10.0.12.2 -TimeoutSeconds 1 }; Check = { $Out.Namespace | Should -Be 'r1'; $Out.PingSucceeded | Should -BeTrue } }
        @{ Type = 'NsLink'; Cmdlet = 'Invoke-NsCommand'; Run = { $In | Invoke-NsCommand -Command hostname -WhatIf }; WhatIf = '^ip netns exec r1 hostname$' }
        @{ Type = 'NsLinkShaping'; Cmdlet = 'Remove-NsLinkShaping'; Run = { $In | Remove-NsLinkShaping -WhatIf } }
        @{ Type = 'NsLinkShaping'; Cmdlet = 'Set-NsLinkShaping'; Run = { $In | Set-NsLinkShaping -Delay 30ms -WhatIf }; WhatIf = '^tc -n r1 qdisc replace dev to-r2 root netem delay 30ms$' }
        @{ Type = 'NsLinkShaping'; Cmdlet = 'Get-NsLinkShaping'; Run = { $In | Get-NsLinkShaping } }
        @{ Type = 'NsLinkShaping'; Cmdlet = 'Get-NsLink'; Run = { $In | Get-NsLink }; Check = { $Out.InterfaceName | Should -Be 'to-r2' } }
        @{ Type = 'String'; Cmdlet = 'Enable-IpForward'; Run = { 'red', 'blue' | Enable-IpForward -WhatIf }; WhatIf = '^ip netns exec red sysctl', '^ip netns exec blue sysctl' }
        @{ Type = 'String'; Cmdlet = 'Get-IpForward'; Run = { 'red', 'blue' | Get-IpForward }; Check = { $Out.Namespace | Should -Be 'red', 'blue' } }
        @{ Type = 'String'; Cmdlet = 'Add-NsLink'; Run = { 'red' | Add-NsLink -PeerNamespace blue -Name l-x -PeerName l-y -WhatIf }; WhatIf = '^ip link add l-x netns red type veth peer name l-y netns blue$' }
        @{ Type = 'String'; Cmdlet = 'Get-NsLink'; Run = { 'r1', 'r2' | Get-NsLink }; Check = { $Out.InterfaceName | Should -Be 'to-r2', 'to-r1' } }
        # Plain strings: into each cmdlet's main name parameter
        @{ Type = 'String'; Cmdlet = 'New-NetNamespace'; Run = { 'green', 'grey' | New-NetNamespace -WhatIf }; WhatIf = '^ip netns add green$', '^ip netns add grey$' }
        @{ Type = 'String'; Cmdlet = 'Get-NetNamespace'; Run = { 'red', 'blue' | Get-NetNamespace }; Check = { $Out.Name | Should -Be 'red', 'blue' } }
        @{ Type = 'String'; Cmdlet = 'Remove-NetNamespace'; Run = { 'red', 'blue' | Remove-NetNamespace -WhatIf }; WhatIf = 'ip netns del(ete)? red$', 'ip netns del(ete)? blue$' }
        @{ Type = 'String'; Cmdlet = 'New-NetBridge'; Run = { 'br9' | New-NetBridge -WhatIf }; WhatIf = '^ip link add br9 type bridge' }
        @{ Type = 'String'; Cmdlet = 'Get-NetBridge'; Run = { 'bridge0' | Get-NetBridge }; Check = { $Out.Name | Should -Be 'bridge0' } }
        @{ Type = 'String'; Cmdlet = 'Remove-NetBridge'; Run = { 'bridge0' | Remove-NetBridge -WhatIf }; WhatIf = '^ip link del(ete)? bridge0' }
        @{ Type = 'String'; Cmdlet = 'Add-VethPair'; Run = { 'red', 'blue' | Add-VethPair -Name veth-y -PeerName veth-y-br -WhatIf }; WhatIf = 'netns red', 'netns blue' }
        @{ Type = 'String'; Cmdlet = 'Get-VethPair'; Run = { 'red', 'blue' | Get-VethPair }; Check = { $Out.Name | Should -Be 'veth-red', 'veth-blue' } }
        @{ Type = 'String'; Cmdlet = 'Remove-VethPair'; Run = { 'red', 'blue' | Remove-VethPair -WhatIf }; WhatIf = '-n red link del(ete)? veth-red', '-n blue link del(ete)? veth-blue' }
        @{ Type = 'String'; Cmdlet = 'Add-NsIPAddress'; Run = { '10.1.1.4/24', '10.1.1.5/24' | Add-NsIPAddress -Namespace red -WhatIf }; WhatIf = '^ip -n red addr add 10\.1\.1\.4/24 dev veth-red$', '^ip -n red addr add 10\.1\.1\.5/24 dev veth-red$' }
        @{ Type = 'String'; Cmdlet = 'Get-NsIPAddress'; Run = { 'red', 'blue' | Get-NsIPAddress -InterfaceName veth-* }; Check = { $Out.IPAddress | Should -Be '192.168.15.2', '192.168.15.3' } }
        @{ Type = 'String'; Cmdlet = 'Remove-NsIPAddress'; Run = { '192.168.15.2/24' | Remove-NsIPAddress -Namespace red -WhatIf }; WhatIf = '^ip -n red addr del 192\.168\.15\.2/24 dev veth-red$' }
        @{ Type = 'String'; Cmdlet = 'Add-NsRoute'; Run = { 'red', 'blue' | Add-NsRoute -DestinationPrefix 10.9.0.0/16 -NextHop 192.168.15.1 -WhatIf }; WhatIf = '^ip -n red route add 10\.9\.0\.0/16', '^ip -n blue route add 10\.9\.0\.0/16' }
        @{ Type = 'String'; Cmdlet = 'Get-NsRoute'; Run = { 'red', 'blue' | Get-NsRoute -DestinationPrefix default }; Check = { $Out.Namespace | Should -Be 'red', 'blue' } }
        @{ Type = 'String'; Cmdlet = 'Remove-NsRoute'; Run = { 'red', 'blue' | Remove-NsRoute -WhatIf }; WhatIf = '^ip -n red route del(ete)? default', '^ip -n blue route del(ete)? default' }
        @{ Type = 'String'; Cmdlet = 'Publish-NsPort'; Run = { 'blue' | Publish-NsPort -InternalPort 82 -ExternalPort 8082 -WarningAction SilentlyContinue -WhatIf }; WhatIf = '--dport 8082 .*--to-destination 192\.168\.15\.3:82' }
        @{ Type = 'String'; Cmdlet = 'Get-NsPort'; Run = { 'red' | Get-NsPort }; Check = { $Out.ExternalPort | Should -Be 8080 } }
        @{ Type = 'String'; Cmdlet = 'Enable-NsMasquerade'; Run = { 'br1' | Enable-NsMasquerade -WhatIf }; WhatIf = '-s 10\.50\.0\.0/24 ! -o br1 .*MASQUERADE' }
        @{ Type = 'String'; Cmdlet = 'Disable-NsMasquerade'; Run = { 'bridge0' | Disable-NsMasquerade -WhatIf }; WhatIf = '! -o bridge0 .*MASQUERADE' }
        @{ Type = 'String'; Cmdlet = 'Get-NsMasquerade'; Run = { 'bridge0' | Get-NsMasquerade }; Check = { $Out.Bridge | Should -Be 'bridge0' } }
        @{ Type = 'String'; Cmdlet = 'Set-BridgeHairpin'; Run = { 'veth-blue-br' | Set-BridgeHairpin -WhatIf }; WhatIf = '^ip link set veth-blue-br type bridge_slave hairpin on$' }
        @{ Type = 'String'; Cmdlet = 'Get-NsDiagnostic'; Run = { 'red', 'blue' | Get-NsDiagnostic }; Check = { $Out.Namespace | Sort-Object -Unique | Where-Object { $_ } | Should -Be 'blue', 'red' } }
        @{ Type = 'String'; Cmdlet = 'Test-NsConnection'; Run = { '192.168.15.3', '192.168.15.1' | Test-NsConnection -Namespace red -TimeoutSeconds 1 }; Check = { $Out.RemoteAddress | Should -Be '192.168.15.3', '192.168.15.1' } }
        @{ Type = 'String'; Cmdlet = 'Invoke-NsCommand'; Run = { 'red', 'blue' | Invoke-NsCommand -Command hostname -WhatIf }; WhatIf = '^ip netns exec red hostname$', '^ip netns exec blue hostname$' }
        @{ Type = 'String'; Cmdlet = 'Deploy-NsLab'; Run = { $script:labFile | Deploy-NsLab }; Check = { $Out.Name | Should -Be 'pl' } }
        @{ Type = 'String'; Cmdlet = 'Remove-NsLab'; Run = { 'pl' | Remove-NsLab -WhatIf }; WhatIf = '^ip netns del(ete)? pl1$' }
        # NsLab pl (namespace pl1 on bridge brpl)
        @{ Type = 'NsLab'; Cmdlet = 'Get-NsLab'; Run = { $In | Get-NsLab }; Check = { $Out.Name | Should -Be 'pl'; $Out.State | Should -Be 'Deployed' } }
        @{ Type = 'NsLab'; Cmdlet = 'Deploy-NsLab'; Run = { $In | Deploy-NsLab }; Check = { $Out.Name | Should -Be 'pl'; $Out.State | Should -Be 'Deployed' } }
        @{ Type = 'NsLab'; Cmdlet = 'Remove-NsLab'; Run = { $In | Remove-NsLab -WhatIf }; WhatIf = '^ip netns del(ete)? pl1$', '^ip link del(ete)? (dev )?brpl$' }
        @{ Type = 'NsLab'; Cmdlet = 'Export-NsLab'; Run = { $In | Export-NsLab }; Check = { $Out | Should -Match "Name = 'pl1'" } }
        @{ Type = 'NsLab'; Cmdlet = 'Show-NsLab'; Run = { $In | Show-NsLab }; Check = { $Out | Should -Match 'bridge brpl' } }
    )

    # Pairs judged not meaningful, by cmdlet: '*' for every input, else the input types, with the reason.
    $hostWide = 'acts on the host as a whole (or, for the sandbox, on a script block): no object names what it acts on'
    $router = 'acts on the host, or on the namespaces named: only a namespace, a pair or a link names one as a router'
    $notMeaningful = [ordered]@{
        'Clear-NetNsPS'          = @{ '*' = $hostWide }
        'Enable-IpForward'       = @{ '*' = $router }
        'Disable-IpForward'      = @{ '*' = $router }
        'Get-IpForward'          = @{ '*' = $router }
        'Add-NsLink'             = @{ '*' = 'joins two namespaces given by name: only a namespace, or its name, names the first end' }
        'Get-NsLink'             = @{ '*' = 'lists the links of namespaces: only a namespace''s name, a link or a shaping names one' }
        'Remove-NsLink'          = @{ '*' = 'deletes a veth by its end: only a pair or a link names one (Namespace and InterfaceName or Name)' }
        'Set-NsLinkShaping'      = @{ '*' = 'shapes an interface: only a pair, a link or a shaping names one (Namespace and InterfaceName or Name)' }
        'Get-NsLinkShaping'      = @{ '*' = 'shows an interface''s shaping: only a pair, a link or a shaping names one' }
        'Remove-NsLinkShaping'   = @{ '*' = 'takes shaping off an interface: only a pair, a link or a shaping names one' }
        'Enable-BridgeNetfilter' = @{ '*' = $hostWide }
        'Get-BridgeNetfilter'    = @{ '*' = $hostWide }
        'Invoke-NsSandbox'       = @{ '*' = $hostWide }
        'Get-NetNsPSOption'      = @{ '*' = 'shows the module-wide settings: no object names what it acts on' }
        'Set-NetNsPSOption'      = @{ '*' = 'sets the module-wide settings: no object names what it acts on' }
        'New-NetNamespace'       = @{ '*' = 'creates from names only: an object piped in already exists' }
        'New-NetBridge'          = @{ '*' = 'creates from names only: an object piped in already exists' }
        'Deploy-NsLab'           = @{ '*' = 'reads a lab file: only a lab (its Path) or a path names one' }
        'Get-NsLab'              = @{ '*' = 'lists deployed labs: only a lab names one' }
        'Remove-NsLab'           = @{ '*' = 'removes a deployed lab: only a lab or its name names one' }
        'Export-NsLab'           = @{ '*' = 'exports a deployed lab: only a lab names one' }
        'Show-NsLab'             = @{ '*' = 'draws a lab: only a lab names one (a file is given with -Path)' }
    }
    $rest = @{
        'NetNamespace'           = @{ Why = 'a namespace names no bridge, address, route to remove, port or hairpin port'; Cmdlets = 'Get-NetBridge', 'Remove-NetBridge', 'Remove-NsIPAddress', 'Unpublish-NsPort', 'Enable-NsMasquerade', 'Disable-NsMasquerade', 'Get-NsMasquerade', 'Set-BridgeHairpin' }
        'VethPair'               = @{ Why = 'a pair''s Name is an interface, not a namespace or bridge; use Get-NetNamespace $_.Namespace'; Cmdlets = 'Get-NetNamespace', 'Remove-NetNamespace', 'Get-NetBridge', 'Remove-NetBridge', 'Add-VethPair', 'Remove-NsIPAddress', 'Remove-NsRoute', 'Publish-NsPort', 'Get-NsPort', 'Unpublish-NsPort', 'Enable-NsMasquerade', 'Disable-NsMasquerade', 'Get-NsMasquerade' }
        'NetBridge'              = @{ Why = 'a bridge lives on the host, not in a namespace: its Name is no namespace, address or port'; Cmdlets = 'Get-NetNamespace', 'Remove-NetNamespace', 'Add-VethPair', 'Get-VethPair', 'Remove-VethPair', 'Get-NsIPAddress', 'Remove-NsIPAddress', 'Add-NsRoute', 'Get-NsRoute', 'Remove-NsRoute', 'Publish-NsPort', 'Get-NsPort', 'Unpublish-NsPort', 'Set-BridgeHairpin', 'Get-NsDiagnostic', 'Test-NsConnection', 'Invoke-NsCommand' }
        'NsIPAddress'            = @{ Why = 'an address names an address: the namespace it is in is Get-NetNamespace $_.Namespace'; Cmdlets = 'Get-NetNamespace', 'Remove-NetNamespace', 'Get-NetBridge', 'Remove-NetBridge', 'Add-VethPair', 'Get-VethPair', 'Remove-VethPair', 'Add-NsIPAddress', 'Add-NsRoute', 'Get-NsRoute', 'Remove-NsRoute', 'Publish-NsPort', 'Get-NsPort', 'Unpublish-NsPort', 'Enable-NsMasquerade', 'Disable-NsMasquerade', 'Get-NsMasquerade', 'Set-BridgeHairpin', 'Get-NsDiagnostic', 'Invoke-NsCommand' }
        'NsRoute'                = @{ Why = 'a route names a route: the namespace it is in is Get-NetNamespace $_.Namespace; its interface belongs to its own namespace, so Add-NsRoute cannot copy it elsewhere'; Cmdlets = 'Add-NsRoute', 'Get-NetNamespace', 'Remove-NetNamespace', 'Get-NetBridge', 'Remove-NetBridge', 'Add-VethPair', 'Get-VethPair', 'Remove-VethPair', 'Add-NsIPAddress', 'Get-NsIPAddress', 'Remove-NsIPAddress', 'Publish-NsPort', 'Get-NsPort', 'Unpublish-NsPort', 'Enable-NsMasquerade', 'Disable-NsMasquerade', 'Get-NsMasquerade', 'Set-BridgeHairpin', 'Get-NsDiagnostic', 'Test-NsConnection', 'Invoke-NsCommand' }
        'NsPortMapping'          = @{ Why = 'a mapping names a port: its namespace and bridge are Get-NetNamespace $_.Namespace, Get-NetBridge $_.Bridge'; Cmdlets = 'Get-NetNamespace', 'Remove-NetNamespace', 'Get-NetBridge', 'Remove-NetBridge', 'Add-VethPair', 'Get-VethPair', 'Remove-VethPair', 'Add-NsIPAddress', 'Get-NsIPAddress', 'Remove-NsIPAddress', 'Add-NsRoute', 'Get-NsRoute', 'Remove-NsRoute', 'Enable-NsMasquerade', 'Disable-NsMasquerade', 'Get-NsMasquerade', 'Set-BridgeHairpin', 'Test-NsConnection', 'Invoke-NsCommand' }
        'NsMasquerade'           = @{ Why = 'a masquerade names a bridge''s outbound NAT and nothing else'; Cmdlets = 'Get-NetNamespace', 'Remove-NetNamespace', 'Get-NetBridge', 'Remove-NetBridge', 'Add-VethPair', 'Get-VethPair', 'Remove-VethPair', 'Add-NsIPAddress', 'Get-NsIPAddress', 'Remove-NsIPAddress', 'Add-NsRoute', 'Get-NsRoute', 'Remove-NsRoute', 'Publish-NsPort', 'Get-NsPort', 'Unpublish-NsPort', 'Set-BridgeHairpin', 'Get-NsDiagnostic', 'Test-NsConnection', 'Invoke-NsCommand' }
        'NsDiagnostic'           = @{ Why = 'a check is acted on by running its Fix (Invoke-Expression $_.Fix); its Namespace would only repeat the whole diagnosis'; Cmdlets = '*' }
        'NsConnectionTestResult' = @{ Why = 'a test result names a test: only Test-NsConnection repeats it'; Cmdlets = '*' }
        'SysctlSetting'          = @{ Why = 'a kernel parameter: the namespace it belongs to is Get-NetNamespace $_.Namespace'; Cmdlets = '*' }
        'NsLink'                 = @{ Why = 'a link names its two ends: their namespaces are Get-NetNamespace $_.Namespace, $_.PeerNamespace'; Cmdlets = '*' }
        'NsLinkShaping'          = @{ Why = 'a shaping names an interface''s qdisc: its link is Get-NsLink $_.Namespace -InterfaceName $_.InterfaceName'; Cmdlets = '*' }
        'NsLab'                  = @{ Why = 'a lab names a lab: its namespaces are Get-NetNamespace $_.Namespaces'; Cmdlets = '*' }
        'String'                 = @{ Why = 'a port is a number, not a name: Unpublish-NsPort 8080, or Get-NsPort | Unpublish-NsPort'; Cmdlets = @('Unpublish-NsPort') }
    }
    $types = @('NetNamespace', 'VethPair', 'NetBridge', 'NsIPAddress', 'NsRoute', 'NsPortMapping', 'NsMasquerade', 'NsDiagnostic', 'NsConnectionTestResult', 'SysctlSetting', 'NsLink', 'NsLinkShaping', 'NsLab', 'String')
    $cmdlets = @(Get-Command -Module NetNsPS -CommandType Cmdlet -ErrorAction SilentlyContinue | ForEach-Object Name)
    if (-not $cmdlets) {
        Import-Module $env:NETNSPS_TEST_MODULE
        $cmdlets = @(Get-Command -Module NetNsPS -CommandType Cmdlet | ForEach-Object Name)
    }
    $skipped = @(foreach ($type in $types) {
            foreach ($cmdlet in $cmdlets) {
                $reason = $null
                # '*' stands for every pair of that cmdlet (or type) that is not among those that work.
                $working = [bool]($works | Where-Object { $_.Type -eq $type -and $_.Cmdlet -eq $cmdlet })
                if ($notMeaningful.Contains($cmdlet) -and -not $working) { $reason = $notMeaningful[$cmdlet]['*'] }
                elseif ($rest[$type].Cmdlets -contains '*' -and -not $working) { $reason = $rest[$type].Why }
                elseif ($rest[$type].Cmdlets -contains $cmdlet) { $reason = $rest[$type].Why }
                if ($reason) { @{ Type = $type; Cmdlet = $cmdlet; Why = $reason } }
            }
        })
}

BeforeAll {
    # This file tests pipeline binding; the firewall commands it quotes are the iptables driver's, so it runs under that driver
    # whatever the suite's driver is (the nftables driver's own commands are checked in 05, 06, 08, 10 and 21).
    $env:NETNSPS_FIREWALL = 'iptables'
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Invoke-Pair {
        # Runs a pipeline and returns its output, errors and the What if: lines it printed (through a transcript,
        # where the host's lines go).
        param([Parameter(Mandatory)][scriptblock] $Run, $In)
        $path = Join-Path ([IO.Path]::GetTempPath()) "netnsps-binding-$PID.txt"
        $errors = [System.Collections.Generic.List[object]]::new()
        Start-Transcript -Path $path -UseMinimalHeader | Out-Null
        try {
            $out = @(& { param($In) & $Run } $In 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $errors.Add($_) } else { $_ } })
        } catch {
            $errors.Add($_)
        } finally {
            Stop-Transcript | Out-Null
        }
        $whatIf = @(Get-Content $path | Where-Object { $_ -like 'What if: *' } | ForEach-Object { $_.Substring('What if: '.Length) } | Sort-Object -Unique)
        Remove-Item $path -ErrorAction SilentlyContinue
        [pscustomobject]@{ Out = $out; Errors = $errors.ToArray(); WhatIf = $whatIf }
    }
}

Describe 'Pipeline binding in the article''s setup' {
    BeforeAll {
        Reset-Sandbox
        Invoke-ArticleSetup -WarningAction SilentlyContinue | Out-Null
        New-NetBridge br1 -IPAddress 10.50.0.1/24 | Out-Null
        New-NetNamespace r1, r2 | Out-Null
        Add-NsLink r1 r2 -IPAddress 10.0.12.1/30 -PeerIPAddress 10.0.12.2/30 | Out-Null
        $script:labFile = Join-Path ([IO.Path]::GetTempPath()) "netnsps-binding-lab-$PID.psd1"
        "@{ Name = 'pl'; Bridges = @( @{ Name = 'brpl'; IPAddress = '10.60.0.1/24' } ); Namespaces = @( @{ Name = 'pl1'; Bridge = 'brpl'; IPAddress = '10.60.0.2/24' } ) }" |
            Set-Content $script:labFile
        $script:inputs = @{
            NsLab                  = Deploy-NsLab $script:labFile
            NetNamespace           = Get-NetNamespace red
            VethPair               = Get-VethPair red
            NetBridge              = Get-NetBridge bridge0
            NsIPAddress            = Get-NsIPAddress -Namespace red -InterfaceName veth-red
            NsRoute                = Get-NsRoute -Namespace red -DestinationPrefix default
            NsPortMapping          = Get-NsPort
            NsMasquerade           = Get-NsMasquerade bridge0
            NsConnectionTestResult = Test-NsConnection -Namespace red 192.168.15.3 -Port 9 -TimeoutSeconds 1
            NsLink                 = Get-NsLink r1
            # No kernel netem needed: the object as Get-NsLinkShaping writes it for to-r2 with a 20 ms delay.
            NsLinkShaping          = [NetNsPS.NsLinkShaping]@{ Namespace = 'r1'; InterfaceName = 'to-r2'; Delay = '20ms' }
            String                 = $null
        }
        $script:before = Get-StateDump
    }

    It 'the inputs are one object each, of their type' {
        foreach ($type in $script:inputs.Keys | Where-Object { $_ -ne 'String' }) {
            @($script:inputs[$type]).Count | Should -Be 1 -Because $type
            $script:inputs[$type].GetType().Name | Should -Be $type
        }
    }

    It '<Type> | <Cmdlet> acts on the thing the object names' -ForEach $works {
        $result = Invoke-Pair -Run $Run -In $script:inputs[$Type]
        $result.Errors | Should -BeNullOrEmpty -Because "$Type | $Cmdlet must bind and run"
        if ($WhatIf) {
            foreach ($pattern in @($WhatIf)) {
                $result.WhatIf -match $pattern | Should -Not -BeNullOrEmpty -Because "announced: $($result.WhatIf -join ' | ')"
            }
        }
        if ($Check) {
            $result.Out | Should -Not -BeNullOrEmpty
            $Out = $result.Out
            . $Check
        }
    }

    It 'a NetNamespace''s Name binds no interface: Add-NsIPAddress puts the address on the namespace''s veth' {
        $result = Invoke-Pair -Run { $In | Add-NsIPAddress 10.1.1.9/24 -WhatIf } -In (Get-NetNamespace blue)
        $result.WhatIf | Should -Be 'ip -n blue addr add 10.1.1.9/24 dev veth-blue'
        # And with an interface named outright, in the same parameter set.
        $result = Invoke-Pair -Run { $In | Add-NsIPAddress 10.1.1.9/24 -InterfaceName veth-blue -WhatIf } -In (Get-NetNamespace blue)
        $result.WhatIf | Should -Be 'ip -n blue addr add 10.1.1.9/24 dev veth-blue'
    }

    It 'Get-NetNamespace | Add-NsRoute -NextHop (the issue''s pipeline) really adds the routes, one per namespace' {
        Remove-NsRoute red, blue
        (Get-NsRoute red, blue -DestinationPrefix default) | Should -BeNullOrEmpty
        $added = Get-NetNamespace red, blue | Add-NsRoute -NextHop 192.168.15.1
        $added.Namespace | Should -Be 'red', 'blue'
        (Get-NsRoute red, blue -DestinationPrefix default).NextHop | Should -Be '192.168.15.1', '192.168.15.1'
    }

    It 'a bad item among several is an error of its own, and the others still run' {
        $result = Invoke-Pair -Run { 'red', 'no-such-ns', 'blue' | Invoke-NsCommand -Command hostname -WhatIf } -In $null
        $result.Errors | Should -HaveCount 1
        "$($result.Errors[0])" | Should -Match 'no-such-ns'
        $result.WhatIf | Should -Be 'ip netns exec blue hostname', 'ip netns exec red hostname'
    }

    It 'the -WhatIf pairs changed nothing' {
        Get-StateDump | Should -Be $script:before
    }
}

Describe 'The binding matrix is complete' {
    It 'every pair of a cmdlet and an output type (or a string) is either one that works or one judged not meaningful, never both' -ForEach @(@{ Types = $types; Cmdlets = $cmdlets; Works = $works; Skipped = $skipped }) {
        $types, $cmdlets, $works, $skipped = $Types, $Cmdlets, $Works, $Skipped
        $missing = foreach ($type in $types) {
            foreach ($cmdlet in $cmdlets) {
                $working = @($works | Where-Object { $_.Type -eq $type -and $_.Cmdlet -eq $cmdlet }).Count -gt 0
                $judged = @($skipped | Where-Object { $_.Type -eq $type -and $_.Cmdlet -eq $cmdlet }).Count -gt 0
                if ($working -eq $judged) { "$type | $cmdlet ($(if ($working) { 'both' } else { 'neither' }))" }
            }
        }
        $missing | Should -BeNullOrEmpty
        $cmdlets.Count | Should -Be @(Get-Command -Module NetNsPS -CommandType Cmdlet).Count
        $cmdlets.Count | Should -BeGreaterThan 30
        Write-Host "Binding matrix: $($cmdlets.Count) cmdlets x $($types.Count) inputs = $($cmdlets.Count * $types.Count) pairs: $($works.Count) work, $($skipped.Count) not meaningful"
    }

    It 'not meaningful: <Type> | <Cmdlet>: <Why>' -ForEach $skipped {
        $Why | Should -Not -BeNullOrEmpty
        Get-Command $Cmdlet -Module NetNsPS | Should -Not -BeNullOrEmpty
    }
}
