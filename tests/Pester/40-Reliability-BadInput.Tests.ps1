# Reliability 1: bad input. Every string parameter of every cmdlet gets malformed names, addresses, ports and
# injection attempts; each gives exactly one ErrorRecord with a real category and a stable id, a message that
# names the bad value and what is allowed, no .NET stack trace, no change to the state, and no file from an injection.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

AfterAll {
    Write-ReliabilityTable -Title 'Bad input'
}

Describe 'Bad input' -Tag 'Reliability' {
    BeforeAll {
        Reset-Sandbox
        Remove-Item /tmp/netnsps-pwned -ErrorAction SilentlyContinue
        # The whole article (so there is something to conflict with), a namespace without a veth, a bridge without an address.
        Invoke-ArticleSetup | Out-Null
        New-NetNamespace lonely | Out-Null
        New-NetBridge bridge1 | Out-Null
        $script:pristine = Get-StateDump
    }

    It '<Case>' -ForEach @(
        # ---- interface names ----
        @{ Case = 'interface name over 15 characters'; Command = { New-NetBridge 'bridge-too-long-0' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'bridge-too-long-0'"; Allowed = '1 to 15 characters' }
        @{ Case = 'empty interface name'; Command = { New-NetBridge '' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "Name ''"; Allowed = '1 to 15 characters' }
        @{ Case = 'interface name with a space'; Command = { Add-VethPair red -Name 'veth red' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'veth red'"; Allowed = 'no .* spaces' }
        @{ Case = 'interface name with /'; Command = { Add-VethPair red -PeerName 'veth/red' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'veth/red'"; Allowed = "no '/'" }
        @{ Case = 'interface name with :'; Command = { Set-BridgeHairpin 'veth-red-br:1' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'veth-red-br:1'"; Allowed = "':'" }
        @{ Case = 'interface name with a leading -'; Command = { Add-VethPair red -Name '-veth' -PeerName 'veth-x' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'-veth'"; Allowed = 'starting with a letter, digit or _' }
        @{ Case = 'non-ASCII interface name'; Command = { New-NetBridge 'brücke0' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'brücke0'"; Allowed = 'A-Z a-z 0-9' }
        @{ Case = 'interface name with a trailing newline'; Command = { New-NetBridge "br0`n" }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'br0\u000a'"; Allowed = '1 to 15 characters' }
        @{ Case = 'interface name with a tab'; Command = { Remove-NetBridge "br`t0" -Confirm:$false }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'br\u00090'"; Allowed = '1 to 15 characters' }
        @{ Case = 'interface name all (the kernel''s conf/all)'; Command = { New-NetBridge all }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'all'"; Allowed = 'reserved' }
        @{ Case = 'interface name default (the kernel''s conf/default)'; Command = { Add-VethPair red -Name default -PeerName veth-d-br }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'default'"; Allowed = 'reserved' }
        @{ Case = 'injection (;) in Enable-NsMasquerade -Bridge'; Command = { Enable-NsMasquerade 'bridge0;touch /tmp/netnsps-pwned' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'bridge0;touch /tmp/netnsps-pwned'"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection ($()) in Disable-NsMasquerade -Bridge'; Command = { Disable-NsMasquerade '$(touch /tmp/netnsps-pwned)' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'`$(touch /tmp/netnsps-pwned)'"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection (backticks) in Remove-NetBridge -Name'; Command = { Remove-NetBridge '`touch /tmp/netnsps-pwned`' -Confirm:$false }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'``touch /tmp/netnsps-pwned``'"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection (newline) in Remove-VethPair -Name'; Command = { Remove-VethPair red -Name "veth-red`ntouch /tmp/netnsps-pwned" }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'veth-red\u000atouch"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection (|) in Remove-NsIPAddress -InterfaceName'; Command = { Remove-NsIPAddress 192.168.15.2 -Namespace red -InterfaceName 'veth-red|touch' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'veth-red|touch'"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection (&&) in Add-NsRoute -InterfaceName'; Command = { Add-NsRoute -Namespace red -DestinationPrefix 10.9.0.0/16 -NextHop 192.168.15.1 -InterfaceName 'veth-red&&id' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'veth-red&&id'"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection (>) in Remove-NsRoute -InterfaceName'; Command = { Remove-NsRoute -Namespace red -InterfaceName 'x>/tmp/netnsps-pwned' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'x>/tmp/netnsps-pwned'"; Allowed = '1 to 15 characters' }
        @{ Case = 'trailing space in Add-NsIPAddress -InterfaceName'; Command = { Add-NsIPAddress 192.168.15.9/24 -Namespace red -InterfaceName 'veth-red ' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'veth-red '"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection in Get-NetBridge -Name'; Command = { Get-NetBridge '$(touch /tmp/netnsps-pwned)' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'`$(touch /tmp/netnsps-pwned)'"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection in Set-BridgeHairpin -InterfaceName'; Command = { Set-BridgeHairpin 'veth-red-br;touch /tmp/netnsps-pwned' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'veth-red-br;touch /tmp/netnsps-pwned'"; Allowed = '1 to 15 characters' }
        @{ Case = 'injection in New-NetBridge -Name'; Command = { New-NetBridge 'br0;reboot' }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'br0;reboot'"; Allowed = '1 to 15 characters' }
        @{ Case = 'terminal escape in an interface name'; Command = { New-NetBridge "`e[2Jbr0" }; Id = 'InvalidInterfaceName'; Category = 'InvalidArgument'; Value = "'\u001b[2Jbr0'"; Allowed = '1 to 15 characters' }

        # ---- namespace names ----
        @{ Case = 'namespace name .'; Command = { New-NetNamespace '.' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'.'"; Allowed = "not '.', '..'" }
        @{ Case = 'namespace name ..'; Command = { New-NetNamespace '..' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'..'"; Allowed = "not '.', '..'" }
        @{ Case = 'namespace name with /'; Command = { New-NetNamespace 'red/blue' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'red/blue'"; Allowed = "'/'" }
        @{ Case = 'empty namespace name'; Command = { New-NetNamespace '' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "Name ''"; Allowed = '1 to 64 characters' }
        @{ Case = 'namespace name of 65 characters'; Command = { New-NetNamespace ('n' * 65) }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'$('n' * 65)'"; Allowed = '1 to 64 characters' }
        @{ Case = 'namespace name with a trailing newline'; Command = { New-NetNamespace "red2`n" }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'red2\u000a'"; Allowed = '1 to 64 characters' }
        @{ Case = 'path traversal in Remove-NetNamespace'; Command = { Remove-NetNamespace '../../etc' -Confirm:$false }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'../../etc'"; Allowed = "'/'" }
        @{ Case = 'injection (;) in Add-VethPair -Namespace'; Command = { Add-VethPair 'red;touch /tmp/netnsps-pwned' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'red;touch /tmp/netnsps-pwned'"; Allowed = '1 to 64 characters' }
        @{ Case = 'injection ($()) in Remove-VethPair -Namespace'; Command = { Remove-VethPair '$(touch /tmp/netnsps-pwned)' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'`$(touch /tmp/netnsps-pwned)'"; Allowed = '1 to 64 characters' }
        @{ Case = 'injection (backticks) in Add-NsIPAddress -Namespace'; Command = { Add-NsIPAddress 192.168.15.9/24 -Namespace '`touch /tmp/netnsps-pwned`' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'``touch /tmp/netnsps-pwned``'"; Allowed = '1 to 64 characters' }
        @{ Case = 'injection (newline) in Remove-NsIPAddress -Namespace'; Command = { Remove-NsIPAddress 192.168.15.2 -Namespace "red`ntouch /tmp/netnsps-pwned" }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'red\u000atouch /tmp/netnsps-pwned'"; Allowed = '1 to 64 characters' }
        @{ Case = 'injection (|) in Add-NsRoute -Namespace'; Command = { Add-NsRoute -Namespace 'red|touch /tmp/netnsps-pwned' -NextHop 192.168.15.1 }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'red|touch /tmp/netnsps-pwned'"; Allowed = '1 to 64 characters' }
        @{ Case = 'injection (&) in Remove-NsRoute -Namespace'; Command = { Remove-NsRoute -Namespace 'red&touch /tmp/netnsps-pwned' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'red&touch /tmp/netnsps-pwned'"; Allowed = '1 to 64 characters' }
        @{ Case = 'injection in Publish-NsPort -Namespace'; Command = { Publish-NsPort 'red;touch /tmp/netnsps-pwned' -InternalPort 80 -ExternalPort 9090 }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'red;touch /tmp/netnsps-pwned'"; Allowed = '1 to 64 characters' }
        @{ Case = 'injection in Unpublish-NsPort -Namespace'; Command = { Unpublish-NsPort 9090 -Namespace '$(touch /tmp/netnsps-pwned)' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'`$(touch /tmp/netnsps-pwned)'"; Allowed = '1 to 64 characters' }
        @{ Case = 'namespace .. in Invoke-NsCommand'; Command = { Invoke-NsCommand '..' id }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'..'"; Allowed = "not '.', '..'" }
        @{ Case = 'namespace with / in Test-NsConnection'; Command = { Test-NsConnection 192.168.15.1 -Namespace 'a/b' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'a/b'"; Allowed = "'/'" }
        @{ Case = 'injection in Get-NetNamespace -Name'; Command = { Get-NetNamespace 'red;touch /tmp/netnsps-pwned' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'red;touch /tmp/netnsps-pwned'"; Allowed = '1 to 64 characters' }
        @{ Case = 'injection in Get-VethPair -Namespace'; Command = { Get-VethPair '`touch /tmp/netnsps-pwned`' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'``touch /tmp/netnsps-pwned``'"; Allowed = '1 to 64 characters' }
        @{ Case = 'namespace with / in Get-NsIPAddress'; Command = { Get-NsIPAddress -Namespace 'a/b' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'a/b'"; Allowed = "'/'" }
        @{ Case = 'namespace .. in Get-NsRoute'; Command = { Get-NsRoute -Namespace '..' }; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument'; Value = "'..'"; Allowed = "not '.', '..'" }
        @{ Case = 'broken wildcard in Get-NetNamespace'; Command = { Get-NetNamespace 'red[' }; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument'; Value = "'red['"; Allowed = 'wildcard' }
        @{ Case = 'broken wildcard in Get-NsPort'; Command = { Get-NsPort -Namespace '[red' }; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument'; Value = "'[red'"; Allowed = 'wildcard' }
        @{ Case = 'broken wildcard in Get-NsMasquerade'; Command = { Get-NsMasquerade 'bridge[0' }; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument'; Value = "'bridge[0'"; Allowed = 'wildcard' }

        # ---- programs run in a namespace ----
        @{ Case = 'injection as the program of Invoke-NsCommand'; Command = { Invoke-NsCommand red 'red;touch /tmp/netnsps-pwned' }; Id = 'CommandNotFound'; Category = 'ObjectNotFound'; Value = "'red;touch /tmp/netnsps-pwned'"; Allowed = 'program' }
        @{ Case = 'a shell line as the program of Invoke-NsCommand'; Command = { Invoke-NsCommand red 'sh -c "touch /tmp/netnsps-pwned"' }; Id = 'CommandNotFound'; Category = 'ObjectNotFound'; Value = "'sh -c `"touch /tmp/netnsps-pwned`"'"; Allowed = 'program' }
        @{ Case = 'empty program for Invoke-NsCommand'; Command = { Invoke-NsCommand red '' }; Id = 'EmptyCommand'; Category = 'InvalidArgument'; Value = 'Command is empty'; Allowed = 'program' }

        # ---- addresses and prefixes ----
        @{ Case = 'address with three numbers'; Command = { Add-NsIPAddress 192.168.15/24 -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'192.168.15/24'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'prefix length 33'; Command = { Add-NsIPAddress 192.168.15.9/33 -Namespace red }; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument'; Value = "'192.168.15.9/33'"; Allowed = '0 to 32' }
        @{ Case = 'negative prefix length'; Command = { Add-NsIPAddress 192.168.15.9/-1 -Namespace red }; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument'; Value = "'-1'"; Allowed = '0 to 32' }
        @{ Case = 'octet over 255'; Command = { Add-NsIPAddress 192.168.15.256/24 -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'192.168.15.256/24'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'IPv6 prefix length 129'; Command = { Add-NsIPAddress fd00::9/129 -Namespace red }; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument'; Value = "'fd00::9/129'"; Allowed = '0 to 128' }
        @{ Case = 'non-ASCII digits in an address'; Command = { Add-NsIPAddress '١٩٢.168.15.9/24' -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'١٩٢.168.15.9/24'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'injection after the prefix length'; Command = { Add-NsIPAddress '192.168.15.9/24;touch /tmp/netnsps-pwned' -Namespace red }; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument'; Value = "'24;touch /tmp/netnsps-pwned'"; Allowed = '0 to 32' }
        @{ Case = 'injection as an address'; Command = { Add-NsIPAddress '$(touch /tmp/netnsps-pwned)' -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'`$(touch /tmp/netnsps-pwned)'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'terminal escape in an address'; Command = { Add-NsIPAddress "`e[2J192.168.15.9/24" -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'\u001b[2J192.168.15.9/24'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'empty address'; Command = { Add-NsIPAddress '' -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = 'IPAddress is empty'; Allowed = 'such as 192.168.15.2/24' }
        @{ Case = 'network address as a host address'; Command = { Add-NsIPAddress 192.168.15.0/24 -Namespace red }; Id = 'InvalidHostAddress'; Category = 'InvalidArgument'; Value = "'192.168.15.0/24'"; Allowed = 'host address such as 192.168.15.1/24' }
        @{ Case = 'broadcast address as a host address'; Command = { Add-NsIPAddress 192.168.15.255/24 -Namespace red }; Id = 'InvalidHostAddress'; Category = 'InvalidArgument'; Value = "'192.168.15.255/24'"; Allowed = 'host address' }
        @{ Case = 'prefix given twice, differently'; Command = { Add-NsIPAddress 192.168.15.9/24 -PrefixLength 16 -Namespace red }; Id = 'PrefixLengthConflict'; Category = 'InvalidArgument'; Value = "'192.168.15.9/24'"; Allowed = 'give the prefix once' }
        @{ Case = 'bridge address without a prefix'; Command = { New-NetBridge bridge9 -IPAddress 10.9.0.1 }; Id = 'InvalidPrefix'; Category = 'InvalidArgument'; Value = "'10.9.0.1'"; Allowed = 'a.b.c.d/len' }
        @{ Case = 'IPv6 address with a zone id to remove'; Command = { Remove-NsIPAddress 'fd00::2%eth0' -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'fd00::2%eth0'"; Allowed = 'without it' }
        @{ Case = 'route prefix with host bits'; Command = { Add-NsRoute -Namespace red -DestinationPrefix 10.1.2.3/8 -NextHop 192.168.15.1 }; Id = 'HostBitsSet'; Category = 'InvalidArgument'; Value = "'10.1.2.3/8'"; Allowed = 'the network is 10.0.0.0/8' }
        @{ Case = 'route prefix length 40'; Command = { Add-NsRoute -Namespace red -DestinationPrefix 10.0.0.0/40 -NextHop 192.168.15.1 }; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument'; Value = "'10.0.0.0/40'"; Allowed = '0 to 32' }
        @{ Case = 'IPv6 next hop of an IPv4 route'; Command = { Add-NsRoute -Namespace red -DestinationPrefix 10.9.0.0/16 -NextHop fd00::1 }; Id = 'AddressFamilyMismatch'; Category = 'InvalidArgument'; Value = "'fd00::1'"; Allowed = 'of its destination''s family' }
        @{ Case = 'next hop with a trailing newline'; Command = { Add-NsRoute -Namespace red -DestinationPrefix 10.9.0.0/16 -NextHop "192.168.15.1`n" }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'192.168.15.1\u000a'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'injection in a route prefix'; Command = { Remove-NsRoute -Namespace red -DestinationPrefix 'default;id' }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'default;id'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'Get-NsRoute prefix with host bits'; Command = { Get-NsRoute -DestinationPrefix 10.0.0.1/8 }; Id = 'HostBitsSet'; Category = 'InvalidArgument'; Value = "'10.0.0.1/8'"; Allowed = 'the network is 10.0.0.0/8' }
        @{ Case = 'masquerade source with host bits'; Command = { Enable-NsMasquerade bridge0 -SourcePrefix 192.168.15.7/24 }; Id = 'HostBitsSet'; Category = 'InvalidArgument'; Value = "'192.168.15.7/24'"; Allowed = 'the network is 192.168.15.0/24' }
        @{ Case = 'IPv6 masquerade source with host bits'; Command = { Enable-NsMasquerade bridge0 -SourcePrefix fd00::1/64 }; Id = 'HostBitsSet'; Category = 'InvalidArgument'; Value = "'fd00::1/64'"; Allowed = 'the network is fd00::/64' }
        @{ Case = 'a prefix as the external address of a port'; Command = { Publish-NsPort red -InternalPort 80 -ExternalPort 9090 -ExternalIPAddress 0.0.0.0/0 }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'0.0.0.0/0'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'injection as the internal address of a port'; Command = { Publish-NsPort red -InternalPort 80 -ExternalPort 9090 -InternalIPAddress '$(touch /tmp/netnsps-pwned)' }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'`$(touch /tmp/netnsps-pwned)'"; Allowed = 'four numbers 0-255' }
        @{ Case = 'external address that is not the host''s'; Command = { Publish-NsPort red -InternalPort 80 -ExternalPort 9090 -ExternalIPAddress 203.0.113.9 }; Id = 'NotAHostAddress'; Category = 'InvalidArgument'; Value = '203.0.113.9'; Allowed = 'one of its addresses' }
        @{ Case = 'IPv6 external address in brackets to unpublish'; Command = { Unpublish-NsPort 8080 -ExternalIPAddress '[fd00::1]' }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'[fd00::1]'"; Allowed = 'no zone id, brackets or port' }
        @{ Case = 'injection as a computer name'; Command = { Test-NsConnection 'example.com;touch /tmp/netnsps-pwned' -Namespace red }; Id = 'InvalidIPAddress'; Category = 'InvalidArgument'; Value = "'example.com;touch /tmp/netnsps-pwned'"; Allowed = 'four numbers 0-255' }

        # ---- ports and protocols ----
        @{ Case = 'port 0'; Command = { Publish-NsPort red -InternalPort 80 -ExternalPort 0 }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData'; Value = "'0'"; Allowed = '1 to 65535' }
        @{ Case = 'port 65536'; Command = { Publish-NsPort red -InternalPort 80 -ExternalPort 65536 }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData'; Value = "'65536'"; Allowed = '1 to 65535' }
        @{ Case = 'negative port'; Command = { Publish-NsPort red -InternalPort -1 -ExternalPort 9090 }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData'; Value = "'-1'"; Allowed = '1 to 65535' }
        @{ Case = 'port as text'; Command = { Publish-NsPort red -InternalPort http -ExternalPort 9090 }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData'; Value = "'http'"; Allowed = '1 to 65535' }
        @{ Case = 'fractional port'; Command = { Publish-NsPort red -InternalPort 80 -ExternalPort 8080.5 }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData'; Value = "'8080.5'"; Allowed = 'whole number from 1 to 65535' }
        @{ Case = 'port 70000 to unpublish'; Command = { Unpublish-NsPort 70000 }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData'; Value = "'70000'"; Allowed = '1 to 65535' }
        @{ Case = 'port as text for Get-NsPort'; Command = { Get-NsPort -ExternalPort 'eighty' }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData'; Value = "'eighty'"; Allowed = '1 to 65535' }
        @{ Case = 'port 65536 for Test-NsConnection'; Command = { Test-NsConnection 192.168.15.2 -Namespace red -Port 65536 }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData'; Value = "'65536'"; Allowed = '1 to 65535' }
        @{ Case = 'unknown protocol icmp'; Command = { Publish-NsPort red -InternalPort 80 -ExternalPort 9090 -Protocol icmp }; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument'; Value = '"icmp"'; Allowed = 'Tcp, Udp' }
        @{ Case = 'unknown protocol sctp to unpublish'; Command = { Unpublish-NsPort 8080 -Protocol sctp }; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument'; Value = '"sctp"'; Allowed = 'Tcp, Udp' }
        @{ Case = 'injection as a protocol'; Command = { Get-NsPort -Protocol 'tcp;touch /tmp/netnsps-pwned' }; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument'; Value = '"tcp;touch /tmp/netnsps-pwned"'; Allowed = 'Tcp, Udp' }

        # ---- things that do not exist ----
        @{ Case = 'missing namespace for Add-VethPair'; Command = { Add-VethPair nosuch -Bridge bridge0 }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Value = "'nosuch'"; Allowed = 'New-NetNamespace nosuch' }
        @{ Case = 'missing bridge for Add-VethPair'; Command = { Add-VethPair red -Name veth-r2 -PeerName veth-r2-br -Bridge nobridge }; Id = 'BridgeNotFound'; Category = 'ObjectNotFound'; Value = "'nobridge'"; Allowed = 'New-NetBridge nobridge' }
        @{ Case = 'missing interface for Add-NsIPAddress'; Command = { Add-NsIPAddress 192.168.15.9/24 -Namespace red -InterfaceName eth9 }; Id = 'InterfaceNotFound'; Category = 'ObjectNotFound'; Value = "'eth9'"; Allowed = 'does not exist' }
        @{ Case = 'missing port for Set-BridgeHairpin'; Command = { Set-BridgeHairpin veth-nosuch }; Id = 'InterfaceNotFound'; Category = 'ObjectNotFound'; Value = "'veth-nosuch'"; Allowed = 'does not exist' }
        @{ Case = 'missing bridge for Enable-NsMasquerade'; Command = { Enable-NsMasquerade nobridge }; Id = 'BridgeNotFound'; Category = 'ObjectNotFound'; Value = "'nobridge'"; Allowed = 'New-NetBridge nobridge' }
        @{ Case = 'missing namespace for Publish-NsPort'; Command = { Publish-NsPort nosuch -InternalPort 80 -ExternalPort 9090 }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Value = "'nosuch'"; Allowed = 'New-NetNamespace nosuch' }
        @{ Case = 'missing namespace for Get-NetNamespace'; Command = { Get-NetNamespace nosuch }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Value = "'nosuch'"; Allowed = 'New-NetNamespace nosuch' }
        @{ Case = 'missing bridge for Get-NetBridge'; Command = { Get-NetBridge nobridge }; Id = 'BridgeNotFound'; Category = 'ObjectNotFound'; Value = "'nobridge'"; Allowed = 'New-NetBridge nobridge' }
        @{ Case = 'missing namespace for Invoke-NsCommand'; Command = { Invoke-NsCommand nosuch id }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Value = "'nosuch'"; Allowed = 'New-NetNamespace nosuch' }
        @{ Case = 'missing namespace for Add-NsRoute'; Command = { Add-NsRoute -Namespace nosuch -NextHop 192.168.15.1 }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Value = "'nosuch'"; Allowed = 'New-NetNamespace nosuch' }
        @{ Case = 'missing namespace for Get-VethPair'; Command = { Get-VethPair nosuch }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Value = "'nosuch'"; Allowed = 'New-NetNamespace nosuch' }
        @{ Case = 'missing namespace for Test-NsConnection'; Command = { Test-NsConnection 192.168.15.1 -Namespace nosuch }; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Value = "'nosuch'"; Allowed = 'New-NetNamespace nosuch' }
        @{ Case = 'namespace without a bridged address for Publish-NsPort'; Command = { Publish-NsPort lonely -InternalPort 80 -ExternalPort 9090 }; Id = 'NoBridgedAddress'; Category = 'ObjectNotFound'; Value = "'lonely'"; Allowed = 'Add-VethPair lonely' }
        @{ Case = 'internal address that is not the namespace''s'; Command = { Publish-NsPort red -InternalPort 80 -ExternalPort 9090 -InternalIPAddress 192.168.15.99 }; Id = 'InternalAddressNotFound'; Category = 'ObjectNotFound'; Value = '192.168.15.99'; Allowed = 'bridged veth' }
        @{ Case = 'namespace without an interface for Add-NsIPAddress'; Command = { Add-NsIPAddress 192.168.15.9/24 -Namespace lonely }; Id = 'NoInterface'; Category = 'ObjectNotFound'; Value = "'lonely'"; Allowed = 'Add-VethPair lonely' }
        @{ Case = 'host address without an interface'; Command = { Add-NsIPAddress 192.168.15.9/24 }; Id = 'InterfaceNameRequired'; Category = 'InvalidArgument'; Value = 'InterfaceName'; Allowed = 'such as bridge0' }

        # ---- conflicts ----
        @{ Case = 'address already on another interface'; Command = { Add-NsIPAddress 192.168.15.1/24 -InterfaceName lo }; Id = 'AddressInUse'; Category = 'ResourceExists'; Value = '192.168.15.1'; Allowed = "'bridge0'" }
        @{ Case = 'address already there with another prefix'; Command = { Add-NsIPAddress 192.168.15.2/16 -Namespace red }; Id = 'AddressConflict'; Category = 'ResourceExists'; Value = '192.168.15.2/16'; Allowed = '192.168.15.2/24' }
        @{ Case = 'port published to another target'; Command = { Publish-NsPort blue -InternalPort 80 -ExternalPort 8080 }; Id = 'PortAlreadyPublished'; Category = 'ResourceExists'; Value = '8080'; Allowed = 'Unpublish-NsPort -ExternalPort 8080' }
        @{ Case = 'port on one address clashing with all addresses'; Command = { Publish-NsPort blue -InternalPort 80 -ExternalPort 8080 -ExternalIPAddress 192.168.15.1 }; Id = 'PortAlreadyPublished'; Category = 'ResourceExists'; Value = '8080'; Allowed = 'Unpublish-NsPort' }
        @{ Case = 'veth name taken by a bridge'; Command = { Add-VethPair blue -Name bridge0 -PeerName br-peer }; Id = 'InterfaceExists'; Category = 'ResourceExists'; Value = "'bridge0'"; Allowed = 'choose another -Name' }
        @{ Case = 'veth name taken by another pair''s end'; Command = { Add-VethPair red -Name veth-blue-br -PeerName vx-br }; Id = 'InterfaceExists'; Category = 'ResourceExists'; Value = "'veth-blue-br'"; Allowed = 'choose another -Name' }
        @{ Case = 'bridge name taken by a veth'; Command = { New-NetBridge veth-red-br }; Id = 'InterfaceExistsNotBridge'; Category = 'ResourceExists'; Value = "'veth-red-br'"; Allowed = 'not a bridge' }
        @{ Case = 'another default route'; Command = { Add-NsRoute -Namespace red -NextHop 192.168.15.3 }; Id = 'RouteExists'; Category = 'ResourceExists'; Value = 'not via 192.168.15.3'; Allowed = 'Remove-NsRoute' }
        @{ Case = 'pair attached to another bridge'; Command = { Add-VethPair red -Bridge bridge1 }; Id = 'AttachedToOtherBridge'; Category = 'ResourceExists'; Value = "not 'bridge1'"; Allowed = '-Bridge bridge0' }
        @{ Case = 'hairpin on a bridge, not a port'; Command = { Set-BridgeHairpin bridge0 }; Id = 'NotABridgePort'; Category = 'InvalidArgument'; Value = "'bridge0'"; Allowed = 'Attach it first' }
        @{ Case = 'Remove-NetBridge on a veth'; Command = { Remove-NetBridge veth-red-br -Confirm:$false }; Id = 'NotABridge'; Category = 'InvalidArgument'; Value = "'veth-red-br'"; Allowed = 'not a bridge' }
        @{ Case = 'masquerade for a veth'; Command = { Enable-NsMasquerade veth-red-br }; Id = 'NotABridge'; Category = 'InvalidArgument'; Value = "'veth-red-br'"; Allowed = 'not a bridge' }
        @{ Case = 'masquerade for a bridge without an address'; Command = { Enable-NsMasquerade bridge1 }; Id = 'NoBridgeAddress'; Category = 'InvalidArgument'; Value = "'bridge1'"; Allowed = '-SourcePrefix' }
        @{ Case = 'both veth ends with one name'; Command = { Add-VethPair red -Name vsame -PeerName vsame }; Id = 'SameVethNames'; Category = 'InvalidArgument'; Value = "'vsame'"; Allowed = 'different names' }
        @{ Case = 'Remove-VethPair on lo'; Command = { Remove-VethPair red -Name lo }; Id = 'NotAVeth'; Category = 'InvalidArgument'; Value = "'lo'"; Allowed = 'not a veth' }
    ) {
        Invoke-ReliabilityCase -Kind 'Bad input' {
            $err = @(Invoke-Capture $Command)
            $err.Count | Should -Be 1 -Because 'one bad input gives one error'
            $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,NetNsPS.Commands.*"
            "$($err[0].CategoryInfo.Category)" | Should -Be $Category
            $message = $err[0].Exception.Message
            $message | Should -BeLike "*$([WildcardPattern]::Escape($Value))*" -Because 'the message names the bad value'
            $message | Should -Match $Allowed -Because 'the message says what is allowed'
            $message | Should -Not -Match "`e" -Because 'an error never carries a terminal escape'
            ($err[0] | Out-String) | Should -Not -Match '\bat NetNsPS\.|\.cs:line|at System\.' -Because 'no .NET stack trace reaches the user'
            if ($err[0].Exception -is [NetNsPS.NetNsException]) {
                $message | Should -Not -Match '\p{Cc}' -Because 'our messages show control characters escaped'
            }
            Get-StateDump | Should -Be $script:pristine
            Test-Path /tmp/netnsps-pwned | Should -BeFalse
        }
    }

    It 'metacharacters in the arguments of Invoke-NsCommand reach the program as plain text' {
        Invoke-ReliabilityCase -Kind 'Bad input' {
            $text = '$(touch /tmp/netnsps-pwned);`touch /tmp/netnsps-pwned`|touch /tmp/netnsps-pwned'
            Invoke-NsCommand red echo $text | Should -Be $text
            Test-Path /tmp/netnsps-pwned | Should -BeFalse
            Get-StateDump | Should -Be $script:pristine
        }
    }

    It 'a pipeline of several bad names gives one error each and builds nothing' {
        Invoke-ReliabilityCase -Kind 'Bad input' {
            $err = @(Invoke-Capture { '.', 'a/b', "x`n", '' | New-NetNamespace })
            $err.Count | Should -Be 4
            $err.FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'InvalidNamespaceName,NetNsPS.Commands.NewNetNamespaceCommand'
            Get-StateDump | Should -Be $script:pristine
        }
    }
}
