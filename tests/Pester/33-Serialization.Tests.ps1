# Output objects serialize well: one of each output type through ConvertTo-Json and ConvertFrom-Json gives
# every field back (addresses as strings, enums by name with -EnumsAsStrings), also after crossing the sandbox
# boundary, and the JSON of published ports publishes them again.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function ConvertTo-JsonChecked {
        # ConvertTo-Json that fails the test when it had to cut the object short (a nested type, a cycle).
        param([Parameter(Mandatory)] $InputObject, [switch] $EnumsAsStrings)
        $warnings = $null
        $json = ConvertTo-Json -InputObject $InputObject -EnumsAsStrings:$EnumsAsStrings -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -BeNullOrEmpty -Because 'the default depth (2) must be enough: output types hold strings, numbers and arrays of strings'
        $json
    }

    function Get-Expected {
        # What a property should look like after a JSON round trip: enums by name, arrays as arrays, the rest as is.
        param($Value)
        if ($null -eq $Value) { return $null }
        if ($Value -is [enum]) { return $Value.ToString() }
        $Value
    }
}

Describe 'JSON for every output type' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        Add-NsRoute -Namespace red -NextHop 192.168.15.1 | Out-Null
        New-NetNamespace json1 | Out-Null
        $labFile = Join-Path $TestDrive 'json.psd1'
        Set-Content $labFile "@{ Name = 'json'; Namespaces = @( @{ Name = 'json2'; Forwarding = `$true } ) }"
        $script:samples = [ordered]@{
            'NetNsPS.NetNamespace'           = Get-NetNamespace red
            'NetNsPS.NetBridge'              = Get-NetBridge bridge0
            'NetNsPS.VethPair'               = Get-VethPair red
            'NetNsPS.NsIPAddress'            = Get-NsIPAddress -Namespace red -InterfaceName veth-red
            'NetNsPS.NsRoute'                = Get-NsRoute -Namespace red -DestinationPrefix default
            'NetNsPS.SysctlSetting'          = Get-IpForward
            'NetNsPS.NetNsPSOption'          = Get-NetNsPSOption
            'NetNsPS.NsMasquerade'           = Enable-NsMasquerade bridge0
            'NetNsPS.NsPortMapping'          = Publish-NsPort red -Protocol Udp -InternalPort 53 -ExternalPort 5353 -WarningAction SilentlyContinue
            'NetNsPS.NsConnectionTestResult' = Test-NsConnection -Namespace red 192.168.15.3 -Port 9 -TimeoutSeconds 1
            'NetNsPS.NsDiagnostic'           = Get-NsDiagnostic red | Where-Object Status -EQ Failed | Select-Object -First 1
            'NetNsPS.NsLink'                 = Add-NsLink -Namespace json1 -PeerNamespace red -IPAddress 10.0.99.1/30 -PeerIPAddress 10.0.99.2/30
            'NetNsPS.NsLab'                  = Deploy-NsLab -Path $labFile
            # Made by hand: Set-NsLinkShaping needs netem (sch_netem), which not every kernel has.
            'NetNsPS.NsLinkShaping'          = [NetNsPS.NsLinkShaping]@{ Namespace = 'json1'; InterfaceName = 'to-red'; Delay = '20ms'; Jitter = '5ms'; Loss = '1%'; Duplicate = '0.5%'; Rate = '100mbit' }
        }
        $script:cases = @($script:samples.Keys | ForEach-Object { @{ Type = $_ } })
    }

    It 'covers every output type the cmdlets declare' {
        $declared = @(Get-Command -Module NetNsPS | ForEach-Object OutputType | ForEach-Object Name | Where-Object { $_ -like 'NetNsPS.*' } | Sort-Object -Unique)
        $declared | Where-Object { $_ -notin $script:samples.Keys } | Should -BeNullOrEmpty -Because 'a new output type needs a sample here'
        foreach ($type in $script:samples.Keys) {
            @($script:samples[$type]).Count | Should -Be 1 -Because "the sample of $type is one object"
            $script:samples[$type].GetType().FullName | Should -Be $type
        }
    }

    It 'a <_> comes back from JSON with every field' -ForEach @(
        'NetNsPS.NetNamespace', 'NetNsPS.NetBridge', 'NetNsPS.VethPair', 'NetNsPS.NsIPAddress', 'NetNsPS.NsRoute', 'NetNsPS.SysctlSetting',
        'NetNsPS.NsMasquerade', 'NetNsPS.NsPortMapping', 'NetNsPS.NsConnectionTestResult', 'NetNsPS.NsDiagnostic', 'NetNsPS.NetNsPSOption',
        'NetNsPS.NsLink', 'NetNsPS.NsLab', 'NetNsPS.NsLinkShaping') {
        $object = $script:samples[$_]
        $back = ConvertTo-JsonChecked $object -EnumsAsStrings | ConvertFrom-Json
        $names = @($object.GetType().GetProperties().Name)
        @($back.PSObject.Properties.Name | Where-Object { $_ -in $names }) | Should -Be $names -Because 'every property, in order'
        foreach ($name in $names) {
            $expected = Get-Expected $object.$name
            if ($expected -is [array]) {
                @($back.$name) | Should -Be @($expected) -Because "$_.$name"
            } else {
                $back.$name | Should -Be $expected -Because "$_.$name"
            }
        }
    }

    It 'addresses and prefixes are JSON strings, not objects' {
        $json = ConvertTo-JsonChecked $script:samples['NetNsPS.NsIPAddress'] -EnumsAsStrings
        $json | Should -Match '"IPAddress": "192\.168\.15\.2"'
        $json | Should -Match '"CIDR": "192\.168\.15\.2/24"'
        ConvertTo-JsonChecked $script:samples['NetNsPS.NetNamespace'] | Should -Match '"IPAddresses": \[\s*"127\.0\.0\.1/8",\s*"192\.168\.15\.2/24"\s*\]'
        ConvertTo-JsonChecked $script:samples['NetNsPS.NsRoute'] | Should -Match '"NextHop": "192\.168\.15\.1"'
    }

    It 'enums are numbers unless -EnumsAsStrings, as ConvertTo-Json does for every enum' {
        (ConvertTo-JsonChecked $script:samples['NetNsPS.NsPortMapping'] | ConvertFrom-Json).Protocol | Should -Be 1
        (ConvertTo-JsonChecked $script:samples['NetNsPS.NsPortMapping'] -EnumsAsStrings | ConvertFrom-Json).Protocol | Should -Be 'Udp'
        (ConvertTo-JsonChecked $script:samples['NetNsPS.NsDiagnostic'] -EnumsAsStrings | ConvertFrom-Json).Status | Should -Be 'Failed'
    }

    It 'objects that come back from a sandbox give the same JSON, enums by name' {
        $back = Invoke-NsSandbox {
            New-NetBridge br9 -IPAddress 10.9.0.1/24 | Out-Null
            New-NetNamespace ns9 | Add-VethPair -Bridge br9 | Add-NsIPAddress 10.9.0.2/24 | Out-Null
            Publish-NsPort ns9 -InternalPort 80 -ExternalPort 8080 -WarningAction SilentlyContinue
            Get-NsDiagnostic ns9 | Where-Object Check -EQ 'IP forwarding'
        }
        $back[0].pstypenames[0] | Should -Be 'Deserialized.NetNsPS.NsPortMapping'
        $mapping = ConvertTo-JsonChecked $back[0] | ConvertFrom-Json
        $mapping.Protocol | Should -Be 'Tcp'
        $mapping.ExternalPort | Should -Be 8080
        $mapping.InternalIPAddress | Should -Be '10.9.0.2'
        (ConvertTo-JsonChecked $back[1] | ConvertFrom-Json).Status | Should -Be 'Failed'
    }

    It 'the JSON of the published ports publishes them again, and unpublishes them' {
        Publish-NsPort blue -InternalPort 80 -ExternalPort 8081 -WarningAction SilentlyContinue | Out-Null
        $before = @(Get-NsPort | ForEach-Object ToString)
        $json = ConvertTo-Json -InputObject @(Get-NsPort) -EnumsAsStrings
        $json | ConvertFrom-Json | Unpublish-NsPort
        Get-NsPort | Should -BeNullOrEmpty
        $json | ConvertFrom-Json | Publish-NsPort -WarningAction SilentlyContinue | Out-Null
        @(Get-NsPort | ForEach-Object ToString) | Should -Be $before
    }
}
