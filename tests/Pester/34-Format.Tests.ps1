# Formatting: every view in NetNsPS.Format.ps1xml fits 120 columns, shows all of its columns at that width, cuts
# nothing off for the article's objects, and looks the same for objects that come back from a sandbox.
BeforeDiscovery {
    $formatFile = Join-Path (Split-Path $env:NETNSPS_TEST_MODULE) 'NetNsPS.Format.ps1xml'
    $viewCases = @(foreach ($view in ([xml](Get-Content $formatFile -Raw)).Configuration.ViewDefinitions.View) {
            @{
                View     = $view.Name
                Type     = @($view.ViewSelectedBy.TypeName)[0]
                Kind     = if ($view.TableControl) { 'Table' } else { 'List' }
                Labels   = @(if ($view.TableControl) { $view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label })
                Widths   = @(if ($view.TableControl) { $view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object { if ($_.Width) { [int]$_.Width } else { 0 } } })
                Selected = @($view.ViewSelectedBy.TypeName)
            }
        })
}

BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
    $script:width = 120

    function Format-Sample {
        # The object as Format-Table or Format-List shows it at 120 columns, as lines.
        param([Parameter(Mandatory)] $InputObject, [Parameter(Mandatory)][string] $Kind)
        $text = if ($Kind -eq 'Table') { $InputObject | Format-Table | Out-String -Width $script:width } else { $InputObject | Format-List | Out-String -Width $script:width }
        @($text -split "\r?\n")
    }
}

Describe 'Format views at 120 columns' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        # Enough ports on bridge0 that its port list is longer than its column.
        foreach ($i in 1..6) { New-NetNamespace "n$i" | Add-VethPair -Bridge bridge0 | Out-Null }
        Add-NsRoute -Namespace red -NextHop 192.168.15.1 | Out-Null
        $script:samples = @{
            'NetNsPS.NetNamespace'           = @(Get-NetNamespace red, blue)
            'NetNsPS.NetBridge'              = @(Get-NetBridge bridge0)
            'NetNsPS.VethPair'               = @(Get-VethPair red, blue)
            'NetNsPS.NsIPAddress'            = @(Get-NsIPAddress -Namespace red, blue)
            'NetNsPS.NsRoute'                = @(Get-NsRoute -Namespace red)
            'NetNsPS.SysctlSetting'          = @(Get-IpForward; Get-BridgeNetfilter)
            'NetNsPS.NsMasquerade'           = @(Enable-NsMasquerade bridge0)
            'NetNsPS.NsPortMapping'          = @(
                Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue
                Publish-NsPort blue -Protocol Udp -InternalPort 53 -ExternalPort 5353 -ExternalIPAddress 192.168.15.1 -WarningAction SilentlyContinue)
            'NetNsPS.NsConnectionTestResult' = @(Test-NsConnection -Namespace red 192.168.15.3, 192.168.15.1 -Port 9 -TimeoutSeconds 1)
            'NetNsPS.NsDiagnostic'           = @(Get-NsDiagnostic red)
        }
    }

    It '<View> (<Kind>) selects both <Type> and its deserialized form' -ForEach $viewCases {
        $Selected | Should -Contain $Type
        $Selected | Should -Contain "Deserialized.$Type"
    }

    It '<View> declares no more than 120 columns, leaving room for a column without a width' -ForEach ($viewCases | Where-Object Kind -EQ Table) {
        $fixed = ($Widths | Measure-Object -Sum).Sum + ($Widths.Count - 1)
        $fixed | Should -BeLessOrEqual $script:width
        if ($Widths -contains 0) { $script:width - $fixed | Should -BeGreaterOrEqual 12 -Because 'the column without a width needs room for its values' }
    }

    It '<View> renders at 120 columns: no line longer, every column shown, nothing cut off' -ForEach $viewCases {
        $objects = $script:samples[$Type]
        $objects | Should -Not -BeNullOrEmpty -Because "a sample of $Type is needed"
        $lines = Format-Sample $objects $Kind
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual $script:width -Because "'$line'" }
        ($lines -join "`n") | Should -Not -Match '…' -Because 'no value of the samples is cut off'
        if ($Kind -eq 'Table') {
            $header = $lines | Where-Object { $_ -match '\S' -and $_ -notmatch '^\s*Namespace: ' } | Select-Object -First 1
            foreach ($label in $Labels) { $header | Should -Match "(^|\s)$([regex]::Escape($label))(\s|$)" -Because "column '$label' must fit at 120 columns" }
        }
    }

    It '<View> shows an object from a sandbox as it shows the original' -ForEach ($viewCases | Where-Object Type -In 'NetNsPS.NetNamespace', 'NetNsPS.NetBridge', 'NetNsPS.NsPortMapping') {
        $back = Invoke-NsSandbox -ArgumentList $Type -ScriptBlock {
            param($Type)
            New-NetBridge bridge0 -IPAddress 192.168.15.1/24 | Out-Null
            New-NetNamespace red | Add-VethPair -Bridge bridge0 | Add-NsIPAddress 192.168.15.2/24 | Out-Null
            switch ($Type) {
                'NetNsPS.NetNamespace' { Get-NetNamespace red }
                'NetNsPS.NetBridge' { Get-NetBridge bridge0 }
                'NetNsPS.NsPortMapping' { Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue }
            }
        }
        $back.pstypenames[0] | Should -Be "Deserialized.$Type"
        $live = Format-Sample $script:samples[$Type][0] $Kind
        $remote = Format-Sample $back $Kind
        ($remote | Where-Object { $_ -match '\S' } | Select-Object -First 1) | Should -Be ($live | Where-Object { $_ -match '\S' } | Select-Object -First 1)
    }

    It 'Get-NetNamespace shows Name, Interfaces, IPAddresses' {
        $lines = Format-Sample $script:samples['NetNsPS.NetNamespace'] Table | Where-Object { $_ -match '\S' }
        $lines[0] -split '\s+' -ne '' | Should -Be @('Name', 'Interfaces', 'IPAddresses')
        ($lines -match '^red ') -replace '\s+', ' ' | Should -Be 'red lo, veth-red 127.0.0.1/8, 192.168.15.2/24'
    }

    It 'Get-NsPort reads as the mapping: Protocol ExternalIPAddress:ExternalPort -> Namespace InternalIPAddress:InternalPort' {
        $lines = Format-Sample $script:samples['NetNsPS.NsPortMapping'] Table | Where-Object { $_ -match '\S' }
        $lines[0] -split '\s+' -ne '' | Should -Be @('Protocol', 'External', '->', 'Namespace', 'Internal')
        ($lines -match '^Tcp ') -replace '\s+', ' ' | Should -Be 'Tcp 0.0.0.0:8080 -> red 192.168.15.2:80'
        ($lines -match '^Udp ') -replace '\s+', ' ' | Should -Be 'Udp 192.168.15.1:5353 -> blue 192.168.15.3:53'
    }

    It 'the list views show what the tables leave out: a mapping''s Bridge, every port of a bridge, its MAC address' {
        $mapping = (Format-Sample $script:samples['NetNsPS.NsPortMapping'][0] List) -join "`n"
        $mapping | Should -Match '(?m)^Bridge\s+: bridge0$'
        $bridge = (Format-Sample $script:samples['NetNsPS.NetBridge'] List) -join "`n"
        $bridge | Should -Match "(?m)^Ports\s+: veth-red-br, veth-blue-br, veth-n1-br, veth-n2-br, veth-n3-br, veth-n4-br, veth-n5-br, veth-n6-br$"
        $bridge | Should -Match '(?m)^MacAddress\s+: ([0-9a-f]{2}:){5}[0-9a-f]{2}$'
    }

    It 'a list view lists every property of its type' -ForEach ($viewCases | Where-Object Kind -EQ List) {
        $text = (Format-Sample $script:samples[$Type][0] List) -join "`n"
        foreach ($name in $script:samples[$Type][0].GetType().GetProperties().Name) {
            $text | Should -Match "(?m)^$name\s+:" -Because "Format-List of $Type must not hide $name"
        }
    }
}
