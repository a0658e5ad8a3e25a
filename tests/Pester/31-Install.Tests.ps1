# Installing the package as a user would: from the local repository build.ps1 Package (run by build.ps1 Test)
# leaves in out/repo, with PSResourceGet and with PowerShellGet v2, each in a child pwsh with a temporary HOME.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
    $script:manifest = Import-PowerShellDataFile $env:NETNSPS_TEST_MODULE
    $script:version = $manifest.ModuleVersion
    $script:out = Split-Path (Split-Path $env:NETNSPS_TEST_MODULE)
    $script:repo = Join-Path $out 'repo'
    $script:expectedCommands = @($manifest.CmdletsToExport | Sort-Object) -join ','

    function Invoke-CleanPwsh {
        # Runs a script in a child pwsh whose HOME is an empty temporary folder: no user modules, repositories
        # or settings of this machine, and the default module path of a fresh user. Returns the output lines.
        param([Parameter(Mandatory)][string] $UserHome, [Parameter(Mandatory)][string] $Script)
        $exe = [Environment]::ProcessPath
        $prefix = @(if ((Split-Path $exe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $names = 'HOME', 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'POWERSHELL_TELEMETRY_OPTOUT', 'POWERSHELL_UPDATECHECK'
        $saved = @{}
        foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
        try {
            foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
            $env:HOME = $UserHome
            $env:POWERSHELL_TELEMETRY_OPTOUT = '1'
            $env:POWERSHELL_UPDATECHECK = 'Off'
            # Run from the temporary HOME too: PSResourceGet writes NuGet/NuGet.Config under the working directory.
            Push-Location $UserHome
            $lines = & $exe @prefix -NoProfile -NonInteractive -Command $Script 2>&1 | ForEach-Object { "$_" }
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = @($lines) }
        } finally {
            Pop-Location
            foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
        }
    }

    function Get-Value {
        # The value of a "KEY: value" line the child script printed.
        param([string[]] $Lines, [string] $Key)
        $line = @($Lines | Where-Object { $_ -like "${Key}: *" }) | Select-Object -First 1
        if ($line) { $line.Substring($Key.Length + 2) }
    }

    # What the child does after installing: import by name, as a user would, and report what it finds.
    $script:useScript = @'
Import-Module NetNsPS
$module = Get-Module NetNsPS
"BASE: $($module.ModuleBase)"
"VERSION: $($module.Version)"
"COMMANDS: $((Get-Command -Module NetNsPS | ForEach-Object Name | Sort-Object) -join ',')"
"SYNOPSIS: $((Get-Help New-NetNamespace).Synopsis)"
"ABOUT: $((Get-Help about_NetNsPS).Synopsis)"
New-NetNamespace x -WhatIf
'@
}

Describe 'The package' {
    It 'is in out/repo, the only package there, and copied to out/' {
        $repo | Should -Exist -Because 'build.ps1 Test (or Package) publishes to out/repo before the Pester files run'
        @(Get-ChildItem $repo -File).Name | Should -Be @("NetNsPS.$version.nupkg")
        Join-Path $out "NetNsPS.$version.nupkg" | Should -Exist
        (Get-FileHash (Join-Path $out "NetNsPS.$version.nupkg")).Hash | Should -Be (Get-FileHash (Join-Path $repo "NetNsPS.$version.nupkg")).Hash
    }

    It 'holds the module, its help and the gallery metadata' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead((Join-Path $repo "NetNsPS.$version.nupkg"))
        try {
            $entries = @($zip.Entries.FullName)
            foreach ($file in 'NetNsPS.psd1', 'NetNsPS.dll', 'CliWrap.dll', 'YamlDotNet.dll', 'NetNsPS.Format.ps1xml', 'NetNsPS.Types.ps1xml', 'LICENSE',
                'en-US/NetNsPS.dll-Help.xml', 'en-US/about_NetNsPS.help.txt', 'en-US/about_NetNsPS_Sandbox.help.txt', 'en-US/about_NetNsPS_Lab.help.txt') {
                $entries | Should -Contain $file
            }
            $entries | Where-Object { $_ -match '\.pdb$|\.deps\.json$|^NetNsPS\.xml$' } | Should -BeNullOrEmpty -Because 'build leftovers (symbols, deps, XML doc comments) do not ship'
            $reader = [System.IO.StreamReader]::new(($zip.Entries | Where-Object FullName -EQ 'NetNsPS.nuspec').Open())
            $nuspec = [xml]$reader.ReadToEnd()
            $reader.Dispose()
        } finally {
            $zip.Dispose()
        }
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'NetNsPS'
        $meta.version | Should -Be $version
        $meta.projectUrl | Should -Be $manifest.PrivateData.PSData.ProjectUri
        $meta.tags -split ' ' | Should -Contain 'PSEdition_Core'
        $meta.tags -split ' ' | Should -Contain 'Linux'
    }
}

Describe 'Install from the local repository' {
    BeforeEach {
        $userHome = Join-Path ([IO.Path]::GetTempPath()) "netnsps-install-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path $userHome | Out-Null
    }
    AfterEach {
        Remove-Item $userHome -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'with PSResourceGet: Install-PSResource, then Import-Module NetNsPS by name' {
        $quotedRepo = "'" + ($repo -replace "'", "''") + "'"
        $result = Invoke-CleanPwsh $userHome @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name Local -Uri $quotedRepo -Trusted
Install-PSResource NetNsPS -Repository Local -Quiet
$useScript
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Lines -join "`n")
        Get-Value $result.Lines 'BASE' | Should -BeLike "$userHome/.local/share/powershell/Modules/NetNsPS/*"
        Get-Value $result.Lines 'VERSION' | Should -Be $version
        Get-Value $result.Lines 'COMMANDS' | Should -Be $expectedCommands
        Get-Value $result.Lines 'SYNOPSIS' | Should -Be (Get-Help New-NetNamespace).Synopsis
        Get-Value $result.Lines 'ABOUT' | Should -Not -BeNullOrEmpty
        $result.Lines | Should -Contain 'What if: ip netns add x'
    }

    It 'with PowerShellGet v2: Register-PSRepository -SourceLocation, Install-Module, then Import-Module NetNsPS' {
        $quotedRepo = "'" + ($repo -replace "'", "''") + "'"
        $result = Invoke-CleanPwsh $userHome @"
`$ErrorActionPreference = 'Stop'
Import-Module PowerShellGet -MaximumVersion 2.99
Register-PSRepository -Name LocalV2 -SourceLocation $quotedRepo -InstallationPolicy Trusted
Install-Module NetNsPS -Repository LocalV2 -Scope CurrentUser
$useScript
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Lines -join "`n")
        Get-Value $result.Lines 'BASE' | Should -BeLike "$userHome/.local/share/powershell/Modules/NetNsPS/*"
        Get-Value $result.Lines 'VERSION' | Should -Be $version
        Get-Value $result.Lines 'COMMANDS' | Should -Be $expectedCommands
        Get-Value $result.Lines 'SYNOPSIS' | Should -Be (Get-Help New-NetNamespace).Synopsis
        $result.Lines | Should -Contain 'What if: ip netns add x'
    }
}
