# Formatting: every view in NetNsPS.Format.ps1xml reads well at 80 and at 120 columns: no line longer than the
# width, every column header whole, and no value or header cut off (…) or broken across lines; objects that come
# back from a sandbox look the same; and once in a real 80-column terminal (tmux), as a new user sees it.
BeforeDiscovery {
    $formatFile = Join-Path (Split-Path $env:NETNSPS_TEST_MODULE) 'NetNsPS.Format.ps1xml'
    $viewCases = @(foreach ($view in ([xml](Get-Content $formatFile -Raw)).Configuration.ViewDefinitions.View) {
            $kind = if ($view.TableControl) { 'Table' } elseif ($view.ListControl) { 'List' } else { 'Custom' }
            $items = switch ($kind) {
                'Table' { @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem) }
                'List' { @($view.ListControl.ListEntries.ListEntry.ListItems.ListItem) }
                'Custom' { @($view.CustomControl.CustomEntries.CustomEntry.CustomItem.ExpressionBinding) }
            }
            @{
                View     = $view.Name
                Type     = @($view.ViewSelectedBy.TypeName)[0]
                Kind     = $kind
                Labels   = @(if ($view.TableControl) { $view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label })
                Widths   = @(if ($view.TableControl) { $view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object { if ($_.Width) { [int]$_.Width } else { 0 } } })
                # What each column or item shows: a property name, or the text of a script block.
                Items    = @(foreach ($item in $items) { if ($item.PropertyName) { @{ Property = $item.PropertyName } } else { @{ Script = $item.ScriptBlock } } })
                Selected = @($view.ViewSelectedBy.TypeName)
            }
        })
    # The first view of a type is the one PowerShell shows it with by default.
    foreach ($case in $viewCases) { $case.Default = $case -eq ($viewCases | Where-Object Type -EQ $case.Type | Select-Object -First 1) }
    $widthCases = foreach ($case in $viewCases) { foreach ($w in 80, 120) { $case + @{ Width = $w } } }
}

BeforeAll {
    # This file tests views; the firewall commands it quotes are the iptables driver's, so it runs under that driver
    # whatever the suite's driver is (the nftables driver's own commands are checked in 05, 06, 08, 10 and 21).
    $env:NETNSPS_FIREWALL = 'iptables'
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Format-Sample {
        # The objects as the view shows them at a width, as lines.
        param([Parameter(Mandatory)] $InputObject, [Parameter(Mandatory)][string] $Kind, [string] $View, [int] $Width = 120)
        $viewArgs = if ($View) { @{ View = $View } } else { @{} }
        $text = switch ($Kind) {
            'Table' { $InputObject | Format-Table @viewArgs | Out-String -Width $Width }
            'List' { $InputObject | Format-List @viewArgs | Out-String -Width $Width }
            'Custom' { $InputObject | Format-Custom @viewArgs | Out-String -Width $Width }
            'Default' { $InputObject | Out-String -Width $Width }
        }
        @($text -split "\r?\n")
    }

    function Get-ShownToken {
        # The words a view shows for an object: for each column or item, the words of the property's value, or of
        # the script block's value and of every property the script block reads ($_.Name), each array item alone.
        param([Parameter(Mandatory)] $InputObject, [Parameter(Mandatory)] [object[]] $Items)
        $values = foreach ($item in $Items) {
            if ($item.Property) {
                $InputObject.($item.Property)
            } else {
                # Unwrapped: the words must be the ones the object holds, however the view lays them out.
                ((($InputObject | ForEach-Object ([scriptblock]::Create($item.Script))) -replace ' `(\r?\n|$)', ' ') -join ' ') -replace '\s+', ' '
                foreach ($m in [regex]::Matches($item.Script, '\$_\.(\w+)')) { $InputObject.($m.Groups[1].Value) }
            }
        }
        # A fix of several commands is "a; b": the view puts each on a line of its own, without the "; ".
        @(foreach ($v in $values) { foreach ($one in @($v)) { if ($null -ne $one) { "$one" -split ';?\s+' | Where-Object { $_ } } } }) | Sort-Object -Unique
    }

    function Find-BrokenText {
        # What is wrong with a rendering at a width: lines longer than it, values cut off with …, and tokens (values'
        # words, headers) that appear on no line whole: broken across lines, cut or left out. Empty when it reads well.
        param([Parameter(Mandatory)][AllowEmptyString()][string[]] $Lines, [string[]] $Token = @(), [Parameter(Mandatory)][int] $Width)
        foreach ($line in $Lines) {
            if ($line.Length -gt $Width) { "longer than $Width columns ($($line.Length)): '$line'" }
            if ($line.Contains([char]0x2026)) { "cut off: '$line'" }
        }
        foreach ($t in $Token) {
            if (-not ($Lines | Where-Object { $_.Contains($t) })) { "'$t' is on no line whole" }
        }
    }

    function New-LongDiagnostic {
        # A failed check as Get-NsDiagnostic writes them for a long namespace name: a long observation and a fix of
        # two commands, one longer than a line.
        param([string] $Namespace = 'frontend-eu-west-1')
        $d = [NetNsPS.NsDiagnostic]::new()
        $values = @{
            Namespace = $Namespace
            Check     = 'Localhost masquerade br-frontend-eu1'
            Status    = [NetNsPS.NsDiagnosticStatus]::Failed
            Observed  = 'from the host: no rule in nat POSTROUTING matches -o br-frontend-eu1 -m addrtype --src-type LOCAL -j MASQUERADE'
            Why       = 'Connections from the host to localhost:18443 are DNATed to the namespace but leave with source 127.0.0.1, which the namespace cannot answer.'
            Fix       = "iptables -w -t filter -D FORWARD -i br-frontend-eu1 -o br-frontend-eu1 -j DROP; Publish-NsPort $Namespace -InternalPort 8443 -ExternalPort 18443 -Protocol Udp -ExternalIPAddress 192.168.150.1 -InternalIPAddress 10.200.30.2"
        }
        foreach ($k in $values.Keys) { $d.GetType().GetProperty($k).SetValue($d, $values[$k]) }
        $d
    }
}

Describe 'The layout checker' {
    It 'finds a value broken across lines, a cut value and a line too long' {
        $broken = @('red   lo, veth-red   127.0.0.1/8, 192.1', '                     68.15.2/24', 'Fix: Enable-NsMas…')
        $found = @(Find-BrokenText -Lines $broken -Token '192.168.15.2/24', 'Enable-NsMasquerade', 'veth-red' -Width 38)
        $found -match "'192.168.15.2/24' is on no line whole" | Should -HaveCount 1
        $found -match "'Enable-NsMasquerade' is on no line whole" | Should -HaveCount 1
        $found -match '^cut off' | Should -HaveCount 1
        $found -match '^longer than 38' | Should -HaveCount 1
        $found -match "'veth-red'" | Should -BeNullOrEmpty
    }

    It 'finds the breaks of the old layout: the fix one letter per line' {
        $old = @('Check          Status  Observed        Fi', '                                       x',
            'IP forwarding  Failed  net.ipv4.ip_fo  En', '                        rward = 0       ab')
        $found = @(Find-BrokenText -Lines $old -Token 'Fix', 'net.ipv4.ip_forward', 'Enable-IpForward' -Width 80)
        $found | Should -HaveCount 3
    }

    It 'DisplayText wraps at spaces, splits only a word longer than the width, continues a long command with " `"' {
        [NetNsPS.DisplayText]::Wrap('aaa bbb ccc dddd', 7) | Should -Be "aaa bbb`nccc`ndddd"
        [NetNsPS.DisplayText]::Wrap('abcdefghij', 4) | Should -Be "abcd`nefgh`nij"
        $lines = [NetNsPS.DisplayText]::CommandLines('Publish-NsPort red -InternalPort 80 -ExternalPort 8080', 30)
        $lines | Should -Be @('Publish-NsPort red `', '    -InternalPort 80 `', '    -ExternalPort 8080')
        # Pasted, the lines are the one command again.
        [scriptblock]::Create($lines -join "`n").Ast.EndBlock.Statements | Should -HaveCount 1
    }
}

Describe 'Format views at 80 and 120 columns' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        # Long names: a namespace of 18 characters, a bridge and interfaces at the kernel's 15.
        New-NetBridge br-frontend-eu1 -IPAddress 10.200.30.1/24 | Out-Null
        New-NetNamespace frontend-eu-west-1 | Add-VethPair -Name veth-frontend -PeerName veth-frontend-b -Bridge br-frontend-eu1 |
            Add-NsIPAddress 10.200.30.2/24 | Out-Null
        # Enough ports on bridge0 that its port list is longer than its column.
        foreach ($i in 1..6) { New-NetNamespace "n$i" | Add-VethPair -Bridge bridge0 | Out-Null }
        Add-NsRoute -Namespace red -NextHop 192.168.15.1 | Out-Null
        Add-NsRoute -Namespace frontend-eu-west-1 -NextHop 10.200.30.1 | Out-Null
        Add-NsRoute -Namespace frontend-eu-west-1 -DestinationPrefix 172.16.128.0/17 -NextHop 10.200.30.1 | Out-Null
        # Point-to-point links: one between the long-named namespace and r1, with the longest kind of address.
        New-NetNamespace r1, r2 | Out-Null
        Add-NsLink frontend-eu-west-1 r1 -Name to-r1 -PeerName to-frontend -IPAddress 172.16.255.253/30 -PeerIPAddress 172.16.255.254/30 | Out-Null
        Add-NsLink r1 r2 -IPAddress 10.0.12.1/30 -PeerIPAddress 10.0.12.2/30 | Out-Null
        & iptables -w -P FORWARD DROP   # so that the diagnostics fail with firewall fixes
        $script:samples = @{
            'NetNsPS.NetNamespace'           = @(Get-NetNamespace red, blue, frontend-eu-west-1)
            'NetNsPS.NetBridge'              = @(Get-NetBridge bridge0, br-frontend-eu1)
            'NetNsPS.VethPair'               = @(Get-VethPair red, blue, frontend-eu-west-1)
            'NetNsPS.NsIPAddress'            = @(Get-NsIPAddress -Namespace red, blue, frontend-eu-west-1; Get-NsIPAddress -InterfaceName br-frontend-eu1)
            'NetNsPS.NsRoute'                = @(Get-NsRoute -Namespace red, frontend-eu-west-1)
            'NetNsPS.SysctlSetting'          = @(Get-IpForward; Get-BridgeNetfilter; Get-IpForward -Namespace frontend-eu-west-1, r1)
            'NetNsPS.NsLink'                 = @(Get-NsLink; Get-NsLink r1)
            # As Get-NsLinkShaping writes them, the widest values included (no kernel netem needed to format them).
            'NetNsPS.NsLinkShaping'          = @(
                [NetNsPS.NsLinkShaping]@{ Namespace = 'r1'; InterfaceName = 'to-r2'; Delay = '20ms'; Jitter = '5ms'; Loss = '1%'; Duplicate = '0.5%'; Rate = '100mbit' }
                [NetNsPS.NsLinkShaping]@{ Namespace = 'frontend-eu-west-1'; InterfaceName = 'veth-frontend'; Delay = '59999999us'; Jitter = '1500us'; Loss = '99.999999%'; Duplicate = '0.000001%'; Rate = '1234567891bit' }
                [NetNsPS.NsLinkShaping]@{ Namespace = $null; InterfaceName = 'veth-red-br'; Rate = '1500kbit' })
            'NetNsPS.NsMasquerade'           = @(Enable-NsMasquerade bridge0; Enable-NsMasquerade br-frontend-eu1 -SourcePrefix 10.200.30.0/24)
            'NetNsPS.NsPortMapping'          = @(
                Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue
                Publish-NsPort blue -Protocol Udp -InternalPort 53 -ExternalPort 5353 -ExternalIPAddress 192.168.15.1 -WarningAction SilentlyContinue
                Publish-NsPort frontend-eu-west-1 -Protocol Udp -InternalPort 65535 -ExternalPort 65534 -ExternalIPAddress 10.200.30.1 -WarningAction SilentlyContinue)
            'NetNsPS.NsConnectionTestResult' = @(
                Test-NsConnection -Namespace red 192.168.15.3, 192.168.15.1 -Port 9 -TimeoutSeconds 1
                Test-NsConnection -Namespace frontend-eu-west-1 10.200.30.1, 192.168.15.3 -TimeoutSeconds 1)
            'NetNsPS.NsDiagnostic'           = @(Get-NsDiagnostic red; Get-NsDiagnostic frontend-eu-west-1; New-LongDiagnostic)
            'NetNsPS.NsLab'                  = @(
                # The chain lab, its port moved off red's 8080.
                $labFile = Join-Path ([IO.Path]::GetTempPath()) "netnsps-format-lab-$PID.psd1"
                (Get-Content (Join-Path $PSScriptRoot 'Lab/chain.psd1') -Raw) -replace 'ExternalPort = 8080', 'ExternalPort = 18080' | Set-Content $labFile
                Deploy-NsLab $labFile -WarningAction SilentlyContinue
                [NetNsPS.NsLab]@{ Name = 'frontend-eu-west-1'; State = 'Drifted'; Path = '/srv/labs/frontend-eu-west-1.psd1'
                    Namespaces = 'frontend-eu-west-1', 'backend-eu-west-1', 'db-eu-west-1', 'cache-eu-west-1'; Bridges = 'br-frontend-eu1'
                    Links = 'frontend-eu-west-1:eth-backend-backend-eu-west-1:eth-frontend'; Ports = 'tcp/18443->frontend-eu-west-1:8443'
                    Drift = "route to 172.16.128.0/17 in namespace 'frontend-eu-west-1'", "address 10.200.30.2/24 on 'eth0' in namespace 'frontend-eu-west-1'" })
        }
    }
    AfterAll { & iptables -w -P FORWARD ACCEPT }

    It '<View> (<Kind>) selects both <Type> and its deserialized form' -ForEach $viewCases {
        $Selected | Should -Contain $Type
        $Selected | Should -Contain "Deserialized.$Type"
    }

    It '<View> declares no more than 79 columns, so a table fits an 80-column terminal' -ForEach ($viewCases | Where-Object Kind -EQ Table) {
        $Widths | Should -Not -Contain 0 -Because 'a column without a width is sized to the first rows and squeezes the others'
        ($Widths | Measure-Object -Sum).Sum + ($Widths.Count - 1) | Should -BeLessOrEqual 79
    }

    It '<View> (<Kind>) at <Width> columns: no line longer, every header whole, no value cut or broken' -ForEach $widthCases {
        $objects = $script:samples[$Type]
        $objects | Should -Not -BeNullOrEmpty -Because "a sample of $Type is needed"
        $lines = Format-Sample $objects $Kind -View $View -Width $Width
        $tokens = @(foreach ($o in $objects) { Get-ShownToken $o $Items }) + $Labels | Sort-Object -Unique
        $tokens.Count | Should -BeGreaterThan 3
        Find-BrokenText -Lines $lines -Token $tokens -Width $Width | Should -BeNullOrEmpty -Because ("at $Width columns:`n" + ($lines -join "`n"))
        if ($Kind -eq 'Table') {
            $header = $lines | Where-Object { $_ -match '\S' -and $_ -notmatch '^\s*(Namespace|Link): ' } | Select-Object -First 1   # past the group line
            foreach ($label in $Labels) { $header | Should -Match "(^|\s)$([regex]::Escape($label))(\s|$)" -Because "column '$label' must fit" }
        }
    }

    It 'the default view of <Type> is <View> and reads well at <Width> columns' -ForEach ($widthCases | Where-Object Default) {
        $lines = Format-Sample $script:samples[$Type] Default -Width $Width
        $tokens = @(foreach ($o in $script:samples[$Type]) { Get-ShownToken $o $Items }) + $Labels | Sort-Object -Unique
        Find-BrokenText -Lines $lines -Token $tokens -Width $Width | Should -BeNullOrEmpty -Because ($lines -join "`n")
    }

    It '<View> shows an object from a sandbox as it shows the original' -ForEach ($viewCases | Where-Object Type -In 'NetNsPS.NetNamespace', 'NetNsPS.NetBridge', 'NetNsPS.NsPortMapping', 'NetNsPS.NsDiagnostic') {
        $back = Invoke-NsSandbox -ArgumentList $Type -ScriptBlock {
            param($Type)
            New-NetBridge bridge0 -IPAddress 192.168.15.1/24 | Out-Null
            New-NetNamespace red | Add-VethPair -Bridge bridge0 | Add-NsIPAddress 192.168.15.2/24 | Out-Null
            switch ($Type) {
                'NetNsPS.NetNamespace' { Get-NetNamespace red }
                'NetNsPS.NetBridge' { Get-NetBridge bridge0 }
                'NetNsPS.NsPortMapping' { Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue }
                'NetNsPS.NsDiagnostic' { Get-NsDiagnostic red | Where-Object Check -EQ 'IP forwarding' }
            }
        }
        $back.pstypenames[0] | Should -Be "Deserialized.$Type"
        $live = Format-Sample @($script:samples[$Type])[0] $Kind -View $View
        $remote = Format-Sample $back $Kind -View $View
        ($remote | Where-Object { $_ -match '\S' } | Select-Object -First 1) | Should -Be ($live | Where-Object { $_ -match '\S' } | Select-Object -First 1)
    }

    It 'Get-NetNamespace shows Name, Interfaces, IPAddresses, one interface and one address per line' {
        $lines = Format-Sample $script:samples['NetNsPS.NetNamespace'] Default -Width 80 | Where-Object { $_ -match '\S' }
        $lines[0] -split '\s+' -ne '' | Should -Be @('Name', 'Interfaces', 'IPAddresses')
        $at = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^red ' })
        $lines[$at] -replace '\s+', ' ' | Should -Be 'red lo 127.0.0.1/8'
        $lines[$at + 1].Trim() -replace '\s+', ' ' | Should -Be 'veth-red 192.168.15.2/24'
    }

    It 'Get-NsPort reads as the mapping: Protocol ExternalIPAddress:ExternalPort -> Namespace InternalIPAddress:InternalPort' {
        $lines = Format-Sample $script:samples['NetNsPS.NsPortMapping'] Table -Width 80 | Where-Object { $_ -match '\S' }
        $lines[0] -split '\s+' -ne '' | Should -Be @('Protocol', 'External', '->', 'Namespace', 'Internal')
        ($lines -match '^Tcp ') -replace '\s+', ' ' | Should -Be 'Tcp 0.0.0.0:8080 -> red 192.168.15.2:80'
        ($lines -match '^Udp .*blue') -replace '\s+', ' ' | Should -Be 'Udp 192.168.15.1:5353 -> blue 192.168.15.3:53'
        ($lines -match 'frontend') -replace '\s+', ' ' | Should -Be 'Udp 10.200.30.1:65534 -> frontend-eu-west-1 10.200.30.2:65535'
    }

    It 'Get-NsDiagnostic shows each check on a line, and each command of a fix whole on a line of its own after Fix:' {
        $lines = Format-Sample $script:samples['NetNsPS.NsDiagnostic'] Default -Width 80
        # Host checks come with each namespace's: two calls, two of each.
        $lines -match '^Failed  IP forwarding\s+net\.ipv4\.ip_forward = 0$' | Should -HaveCount 2
        $lines -match '^        Fix: Enable-IpForward$' | Should -HaveCount 2
        # FORWARD drops bridge0's own traffic: New-NetBridge, run again, accepts it.
        $lines -match '^        Fix: New-NetBridge bridge0$' | Should -Not -BeNullOrEmpty
        # The synthetic fix of two commands, both longer than a line: continued with " `", pasted they are the commands again.
        $at = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -like '        Fix: iptables -w -t filter -D FORWARD*' })
        $at | Should -BeGreaterOrEqual 0
        $pasted = @($lines[$at].Substring(13)) + @($lines[($at + 1)..($lines.Count - 1)] | ForEach-Object -Begin { $more = $true } -Process {
                if ($more -and $_ -like '             ?*') { $_.Substring(13) } else { $more = $false } })
        $pasted[0] | Should -BeLike '*`'
        $commands = [scriptblock]::Create($pasted -join "`n").Ast.EndBlock.Statements
        $commands | Should -HaveCount 2
        $commands.Extent.Text -replace '\s+`\s+', ' ' | Should -Be ((New-LongDiagnostic).Fix -split '; ')
        # An Ok check has no fix line.
        $ok = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -like 'Ok      Bridge address*' })
        $lines[$ok + 1] | Should -Not -Match 'Fix:'
    }

    It 'the list views show what the tables leave out: a mapping''s Bridge, every port of a bridge, its MAC address, a diagnostic''s Why' {
        $mapping = (Format-Sample $script:samples['NetNsPS.NsPortMapping'][0] List) -join "`n"
        $mapping | Should -Match '(?m)^Bridge\s+: bridge0$'
        $bridge = Format-Sample $script:samples['NetNsPS.NetBridge'][0] List -Width 80
        $ports = (($bridge -join "`n") -split '(?m)^Ports\s+: ')[1] -split '\n' | Where-Object { $_ -match '^\s+\S|^\S+-br' } | ForEach-Object Trim
        ($ports -join ' ') | Should -Be 'veth-red-br, veth-blue-br, veth-n1-br, veth-n2-br, veth-n3-br, veth-n4-br, veth-n5-br, veth-n6-br'
        ($bridge -join "`n") | Should -Match '(?m)^MacAddress\s+: ([0-9a-f]{2}:){5}[0-9a-f]{2}$'
        $diagnostic = (Format-Sample (New-LongDiagnostic) List -Width 80) -join "`n"
        $diagnostic | Should -Match '(?m)^Why\s+: Connections from the host'
    }

    It 'a list view lists every property of its type' -ForEach ($viewCases | Where-Object Kind -EQ List) {
        $text = (Format-Sample @($script:samples[$Type])[0] List) -join "`n"
        foreach ($name in @($script:samples[$Type])[0].GetType().GetProperties().Name) {
            $text | Should -Match "(?m)^$name\s+:" -Because "Format-List of $Type must not hide $name"
        }
    }
}

Describe 'In a real 80-column terminal (tmux)' {
    BeforeAll {
        $script:tmux = Get-Command tmux -ErrorAction SilentlyContinue
        if (-not $script:tmux) { return }
        Reset-Sandbox
        New-ArticleSetup
        Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue | Out-Null
        $script:socket = "netnsps-format-$PID"
        $script:call = 0
        $exe = [Environment]::ProcessPath
        $prefix = if ((Split-Path $exe -LeafBase) -eq 'dotnet') { "'$(Join-Path $PSHOME 'pwsh.dll')'" } else { '' }
        # An interactive pwsh, as a user starts it, with the module imported; the pane is 80 columns, tall enough for a diagnosis.
        $command = "'$exe' $prefix -NoLogo -NoProfile -NoExit -Command `"Import-Module '$env:NETNSPS_TEST_MODULE'`""
        & tmux -L $script:socket new-session -d -x 80 -y 100 $command
        # Keys typed before pwsh reads them would be lost or run together: wait for its prompt.
        foreach ($i in 1..300) {
            if ((& tmux -L $script:socket capture-pane -p -t 0) -match '^PS .*> ?$') { break }
            Start-Sleep -Milliseconds 100
        }
        function script:Invoke-InPane {
            # Types a command line into the pane, waits until a marker after it is printed, returns the screen.
            param([string] $Line)
            $script:call++
            & tmux -L $script:socket send-keys -t 0 "Clear-Host; $Line; 'END-OF-' + 'OUTPUT-$script:call'" Enter
            foreach ($i in 1..300) {
                $screen = @(& tmux -L $script:socket capture-pane -p -t 0)
                if ($screen -contains "END-OF-OUTPUT-$script:call") { return $screen }
                Start-Sleep -Milliseconds 100
            }
            throw "the pane never finished '$Line':`n$($screen -join "`n")"
        }
    }
    AfterAll {
        if ($script:tmux) { & tmux -L $script:socket kill-server 2>$null }
    }

    It 'Get-NsDiagnostic red reads well on an 80-column screen' {
        if (-not $script:tmux) { Set-ItResult -Skipped -Because 'tmux is not installed (apt-get install tmux)'; return }
        $screen = Invoke-InPane 'Get-NsDiagnostic red'
        $objects = Get-NsDiagnostic red
        Set-Content -Path (Join-Path ([IO.Path]::GetTempPath()) 'netnsps-tmux-diagnostic.txt') -Value $screen
        $tokens = @(foreach ($o in $objects) { "$($o.Status)"; $o.Check -split ' '; $o.Observed -split ' '; $o.Fix -split ' ' }) | Where-Object { $_ } | Sort-Object -Unique
        Find-BrokenText -Lines $screen -Token $tokens -Width 80 | Should -BeNullOrEmpty -Because ($screen -join "`n")
        $screen -match '^        Fix: Enable-IpForward$' | Should -HaveCount 1
        $screen -match '^        Fix: Enable-NsMasquerade bridge0$' | Should -Not -BeNullOrEmpty
    }

    It 'Test-NsConnection and Get-NetNamespace read well on an 80-column screen' {
        if (-not $script:tmux) { Set-ItResult -Skipped -Because 'tmux is not installed (apt-get install tmux)'; return }
        $screen = Invoke-InPane 'Test-NsConnection -Namespace red 192.168.15.3, 192.168.15.1 -Port 9 -TimeoutSeconds 1'
        $screen -match '^RemoteAddress\s+RemotePort\s+SourceAddress\s+Ping\s+RoundTrip\s+Tcp$' | Should -HaveCount 1
        $screen -match '^192\.168\.15\.1\s+9\s+192\.168\.15\.2\s+True\s+\d+(\.\d+)? ms False$' | Should -HaveCount 1
        $screen = Invoke-InPane 'Get-NetNamespace'
        $screen -match '^red\s+lo\s+127\.0\.0\.1/8$' | Should -HaveCount 1
        $screen -match '^\s+veth-red\s+192\.168\.15\.2/24$' | Should -HaveCount 1
    }
}
