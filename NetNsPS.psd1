@{
    RootModule             = 'NetNsPS.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '6f1d2c7e-4b8a-4e5f-9a3d-2c1b0e7f8a94'
    Author                 = 'NetNsPS contributors'
    CompanyName            = 'NetNsPS'
    Copyright              = '(c) NetNsPS contributors. MIT License.'
    Description            = 'Linux container networking by hand: network namespaces, bridges, veth pairs, addresses, routes, NAT, IP forwarding and port publishing as PowerShell cmdlets, with -WhatIf showing the raw ip/iptables/sysctl commands.'
    CompatiblePSEditions   = @('Core')
    PowerShellVersion      = '7.4'
    FormatsToProcess       = @('NetNsPS.Format.ps1xml')
    TypesToProcess         = @('NetNsPS.Types.ps1xml')
    CmdletsToExport        = @(
        'New-NetNamespace', 'Get-NetNamespace', 'Remove-NetNamespace',
        'New-NetBridge', 'Get-NetBridge', 'Remove-NetBridge',
        'Add-VethPair', 'Get-VethPair', 'Remove-VethPair',
        'Add-NsLink', 'Get-NsLink', 'Remove-NsLink', 'Set-NsLinkShaping', 'Get-NsLinkShaping', 'Remove-NsLinkShaping',
        'Add-NsIPAddress', 'Get-NsIPAddress', 'Remove-NsIPAddress',
        'Add-NsRoute', 'Get-NsRoute', 'Remove-NsRoute',
        'Invoke-NsCommand', 'Invoke-NsSandbox', 'Test-NsConnection', 'Get-NsDiagnostic',
        'Enable-IpForward', 'Disable-IpForward', 'Get-IpForward',
        'Enable-BridgeNetfilter', 'Get-BridgeNetfilter',
        'Enable-NsMasquerade', 'Disable-NsMasquerade', 'Get-NsMasquerade',
        'Publish-NsPort', 'Get-NsPort', 'Unpublish-NsPort',
        'Set-BridgeHairpin', 'Clear-NetNsPS',
        'Get-NetNsPSOption', 'Set-NetNsPSOption',
        'Deploy-NsLab', 'Get-NsLab', 'Remove-NsLab', 'Export-NsLab', 'Show-NsLab'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('Linux', 'PSEdition_Core', 'networking', 'netns', 'namespace', 'bridge', 'iptables', 'docker', 'container')
            ProjectUri   = 'https://github.com/netnsps/NetNsPS'
            LicenseUri   = 'https://github.com/netnsps/NetNsPS/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: first release. Network namespaces, bridges, veth pairs, IPv4 addresses and routes as cmdlets that pipe into each other, with -WhatIf printing the raw ip commands; Invoke-NsCommand; Invoke-NsSandbox; help for every cmdlet (Get-Help about_NetNsPS). All changes: https://github.com/netnsps/NetNsPS/blob/main/CHANGELOG.md'
        }
    }
}
