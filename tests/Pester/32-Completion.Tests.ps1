# Tab completion: parameters that name a live thing complete from the live state, through TabExpansion2 as a
# user's Tab key would, scoped to what the command line already says, quoted where needed, fast, never failing.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Get-Completion {
        # The completion texts for the end of a command line, and how long TabExpansion2 took.
        param([Parameter(Mandatory)][string] $Line)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        $watch.Stop()
        $script:timings.Add([pscustomobject]@{ Line = $Line; Milliseconds = $watch.Elapsed.TotalMilliseconds })
        # A generous bound, only as a sanity check on a shared machine; tests/Benchmark measures for real.
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 1 -Because "completing '$Line' must feel instant"
        [pscustomobject]@{
            Texts    = @($result.CompletionMatches | ForEach-Object CompletionText)
            Matches  = @($result.CompletionMatches)
        }
    }
}

Describe 'Tab completion on the article setup' {
    BeforeAll {
        $script:timings = [System.Collections.Generic.List[object]]::new()
        Reset-Sandbox
        New-ArticleSetup
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue | Out-Null
        Publish-NsPort blue -InternalPort 80 -ExternalPort 80 -WarningAction SilentlyContinue | Out-Null
        Publish-NsPort blue -Protocol Udp -InternalPort 53 -ExternalPort 5353 -WarningAction SilentlyContinue | Out-Null
        # Warm up: the first completion of a session loads and compiles the completers.
        $null = TabExpansion2 -inputScript 'Get-NetNamespace ' -cursorColumn 17
    }
    AfterAll {
        $script:timings | Sort-Object Milliseconds -Descending | Select-Object -First 5 |
            ForEach-Object { Write-Host ("    slowest: {0,7:N1} ms  {1}" -f $_.Milliseconds, $_.Line) }
    }

    It 'Add-VethPair -Namespace r completes the namespace red only' {
        (Get-Completion 'Add-VethPair -Namespace r').Texts | Should -Be @('red')
    }

    It 'namespaces come sorted, and the prefix is case-insensitive' {
        (Get-Completion 'Remove-NetNamespace ').Texts | Should -Be @('blue', 'red')
        (Get-Completion 'Get-NetNamespace B').Texts | Should -Be @('blue')
        (Get-Completion 'Test-NsConnection -Namespace ').Texts | Should -Be @('blue', 'red')
        (Get-Completion 'Invoke-NsCommand ').Texts | Should -Be @('blue', 'red')
    }

    It 'Add-NsIPAddress -Namespace red -InterfaceName gives veth-red only (its interfaces, lo once asked for)' {
        (Get-Completion 'Add-NsIPAddress -Namespace red -InterfaceName ').Texts | Should -Be @('veth-red')
        (Get-Completion 'Add-NsIPAddress -Namespace red -InterfaceName l').Texts | Should -Be @('lo')
        (Get-Completion 'Add-NsRoute blue -InterfaceName ').Texts | Should -Be @('veth-blue')
    }

    It 'links and shaping: -PeerNamespace completes namespaces, -InterfaceName the interfaces of -Namespace' {
        (Get-Completion 'Add-NsLink red -PeerNamespace b').Texts | Should -Be @('blue')
        (Get-Completion 'Enable-IpForward -Namespace ').Texts | Should -Be @('blue', 'red')
        (Get-Completion 'Get-IpForward r').Texts | Should -Be @('red')
        (Get-Completion 'Set-NsLinkShaping -Namespace blue -InterfaceName ').Texts | Should -Be @('veth-blue')
        (Get-Completion 'Remove-NsLinkShaping red -InterfaceName v').Texts | Should -Be @('veth-red')
        (Get-Completion 'Get-NsLink -Namespace red -InterfaceName v').Texts | Should -Be @('veth-red')
    }

    It '-InterfaceName without -Namespace completes the host''s interfaces' {
        (Get-Completion 'Add-NsIPAddress 192.168.15.9/24 -InterfaceName ').Texts | Should -Be @('bridge0', 'veth-blue-br', 'veth-red-br')
        (Get-Completion 'Get-NsIPAddress -InterfaceName br').Texts | Should -Be @('bridge0')
    }

    It 'Get-NetBridge b completes bridge0, and -Bridge of other cmdlets too' {
        (Get-Completion 'Get-NetBridge b').Texts | Should -Be @('bridge0')
        (Get-Completion 'Add-VethPair red -Bridge ').Texts | Should -Be @('bridge0')
        (Get-Completion 'Enable-NsMasquerade ').Texts | Should -Be @('bridge0')
        (Get-Completion 'Remove-NetBridge bri').Texts | Should -Be @('bridge0')
    }

    It 'veth names of Get-/Remove-VethPair are scoped to -Namespace' {
        (Get-Completion 'Get-VethPair -Name ').Texts | Should -Be @('veth-blue', 'veth-red')
        (Get-Completion 'Get-VethPair red -Name ').Texts | Should -Be @('veth-red')
        (Get-Completion 'Remove-VethPair -Namespace blue -Name ').Texts | Should -Be @('veth-blue')
    }

    It 'Set-BridgeHairpin completes bridge ports, by -InterfaceName and its alias -PeerName' {
        $ports = Get-Completion 'Set-BridgeHairpin '
        $ports.Texts | Should -Be @('veth-blue-br', 'veth-red-br')
        $ports.Matches[1].ToolTip | Should -Match 'port of bridge0, hairpin on'
        (Get-Completion 'Set-BridgeHairpin -PeerName veth-b').Texts | Should -Be @('veth-blue-br')
    }

    It 'Unpublish-NsPort -ExternalPort 80 completes the published ports that start with 80, in numeric order' {
        $ports = Get-Completion 'Unpublish-NsPort -ExternalPort 80'
        $ports.Texts | Should -Be @('80', '8080')
        $ports.Matches[1].ToolTip | Should -Be 'tcp 0.0.0.0:8080 -> red 192.168.15.2:80'
        (Get-Completion 'Unpublish-NsPort ').Texts | Should -Be @('80', '5353', '8080')
    }

    It '-ExternalPort follows -Protocol and -Namespace already typed' {
        (Get-Completion 'Get-NsPort -Protocol Udp -ExternalPort ').Texts | Should -Be @('5353')
        (Get-Completion 'Unpublish-NsPort -Namespace red -ExternalPort ').Texts | Should -Be @('8080')
        (Get-Completion 'Get-NsPort b* -ExternalPort ').Texts | Should -Be @('80', '5353')
    }

    It 'addresses of Get-/Remove-NsIPAddress are scoped to -Namespace and -InterfaceName' {
        (Get-Completion 'Remove-NsIPAddress -Namespace red ').Texts | Should -Be @('127.0.0.1', '192.168.15.2')
        (Get-Completion 'Remove-NsIPAddress -Namespace red -InterfaceName veth-red -IPAddress ').Texts | Should -Be @('192.168.15.2')
        (Get-Completion 'Get-NsIPAddress -IPAddress 192').Texts | Should -Be @('192.168.15.1')
    }

    It 'keeps the quotes the user opened, and quotes a name PowerShell would read as something else' {
        (Get-Completion "Get-NetNamespace 'r").Texts | Should -Be @("'red'")
        (Get-Completion 'Get-NetNamespace "b').Texts | Should -Be @('"blue"')
        New-NetNamespace 0x1f | Out-Null
        try {
            # Bare, 0x1f would bind as the number 31.
            (Get-Completion 'Get-NetNamespace 0x').Texts | Should -Be @("'0x1f'")
        } finally {
            Remove-NetNamespace 0x1f -Confirm:$false
        }
    }

    Context 'with a file under /run/netns that is not a namespace' {
        BeforeAll { New-Item -ItemType File -Path /run/netns/bogus | Out-Null }
        AfterAll { Remove-Item /run/netns/bogus -ErrorAction SilentlyContinue }

        It 'still completes the real namespaces, without the stray file and without an error' {
            $Error.Clear()
            (Get-Completion 'Remove-NetNamespace ').Texts | Should -Be @('blue', 'red')
            (Get-Completion 'Get-VethPair -Name ').Texts | Should -Be @('veth-blue', 'veth-red')
            (Get-Completion 'Get-NsIPAddress -Namespace * -IPAddress 192').Texts | Should -Be @('192.168.15.2', '192.168.15.3')
            (Get-Completion 'Add-NsIPAddress -Namespace bogus -InterfaceName ').Texts | Should -BeNullOrEmpty
            $Error.Count | Should -Be 0
        }
    }

    It 'a completer called with arguments that make no sense returns nothing and never throws' {
        $interfaces = [NetNsPS.Completion.InterfaceCompleter]::new()
        @($interfaces.CompleteArgument('Add-NsIPAddress', 'InterfaceName', '', $null, @{ Namespace = '../../etc' })) | Should -BeNullOrEmpty
        @($interfaces.CompleteArgument('Add-NsIPAddress', 'InterfaceName', '', $null, @{ Namespace = 'nowhere' })) | Should -BeNullOrEmpty
        @([NetNsPS.Completion.VethNameCompleter]::new().CompleteArgument('Get-VethPair', 'Name', $null, $null, $null)).CompletionText | Should -Be @('veth-blue', 'veth-red')
    }
}

Describe 'Tab completion on an empty sandbox' {
    BeforeAll {
        $script:timings = [System.Collections.Generic.List[object]]::new()
        Reset-Sandbox
    }

    It 'completes nothing, without an error, when there is nothing to complete' {
        $Error.Clear()
        (Get-Completion 'Get-NetNamespace ').Texts | Should -BeNullOrEmpty
        (Get-Completion 'Get-NetBridge ').Texts | Should -BeNullOrEmpty
        (Get-Completion 'Unpublish-NsPort -ExternalPort ').Texts | Should -BeNullOrEmpty
        (Get-Completion 'Set-BridgeHairpin ').Texts | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }
}
