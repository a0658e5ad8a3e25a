#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and demonstrates NetNsPS.
.DESCRIPTION
    Build    stages the importable module at out/NetNsPS, with its help (en-US) made from docs/.
    Package  builds, then publishes the module to a local folder repository (out/repo) and leaves
             out/NetNsPS.<version>.nupkg.
    Test     builds, packages, runs xunit and the Pester suites (each file in its own sandbox, the whole suite once
             per firewall driver this machine can run, or those -FirewallDriver names) and ends with "N passed, N failed".
    Demo     builds, then runs the article's setup inside a sandbox and prints what it built and what reaches what.
    Bench    builds, then compares NetNsPS with the plain bash way and the floor under each firewall driver, times
             Publish-/Unpublish-NsPort at 1,000 mappings and the new-connection rate at 1 and 10,000 published ports
             (tests/Benchmark), and the peers CNI bridge+portmap and netavark on the same lab, writing out/bench/*.json.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench')]
    [string] $Task = 'Build',

    # Pester files or folders to run (default: all of tests/Pester).
    [string[]] $TestPath,

    # Pester tags to include / exclude.
    [string[]] $Tag,
    [string[]] $ExcludeTag,

    # Test: the firewall drivers to run the Pester suite under (default: every driver this machine can run).
    [string[]] $FirewallDriver,

    # Bench: lab sizes and rounds. Lists are strings so that "100,1000" from bash is split, not read as 1001000.
    # N = 1000 is not in the default, which stays under ~10 minutes on a 2-core machine: the bash way alone is
    # ~14,000 processes per round at N = 1000. For it: ./build.ps1 Bench -BenchN 100,1000 -BenchRounds 1
    [string[]] $BenchN = @('10', '100'),
    [int] $BenchRounds = 3,

    # Bench, per call: namespaces already on the host when one call is timed, and the calls timed at each size.
    [string[]] $BenchHostSizes = @('10', '1000'),
    [int] $BenchCalls = 15,

    # Bench: the firewall drivers its firewall sections run under (default: every driver this machine can run); the
    # mappings already published when one Publish-/Unpublish-NsPort is timed; the published ports of the large
    # connection-rate case (against 1), and the seconds of each connection-rate trial.
    [string[]] $BenchFirewallDriver,
    [int] $BenchMappings = 1000,
    [int] $BenchConnPorts = 10000,
    [double] $BenchConnSeconds = 2,
    # Bench: of those ports, how many (the last) go through Publish-NsPort in one pipeline; the rest the floor way.
    # 10000 = all of them through the cmdlets (long: a pipeline's cost grows faster than its length).
    [int] $BenchConnPipeline = 100,
    # Bench: the sections to run (default: all): Loop, PerCall, AtSize, ConnRate, FirstCall, Peers (CNI bridge+portmap and netavark,
    # the same lab at each -BenchN; apt-get installs their Debian packages when missing and this is root).
    [string[]] $BenchSection,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$staged = Join-Path $root 'out/NetNsPS'
# The machine's architecture as crossgen2 names it (x64, arm64).
$arch = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
$pesterVersion = '5.7.1'

function Invoke-Native {
    param([string] $Program, [string[]] $Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'src/NetNsPS/NetNsPS.csproj'), '-c', $Configuration, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')
    $bin = Join-Path $root "src/NetNsPS/bin/$Configuration/net8.0"
    if (Test-Path $staged) { Remove-Item $staged -Recurse -Force }
    New-Item -ItemType Directory -Path $staged | Out-Null
    Copy-Item (Join-Path $root 'NetNsPS.psd1') $staged
    Copy-Item (Join-Path $root 'src/NetNsPS/NetNsPS.Format.ps1xml') $staged
    Copy-Item (Join-Path $root 'src/NetNsPS/NetNsPS.Types.ps1xml') $staged
    Copy-Item (Join-Path $root 'LICENSE') $staged
    $assemblies = 'NetNsPS.dll', 'CliWrap.dll', 'YamlDotNet.dll'
    foreach ($file in $assemblies) { Copy-Item (Join-Path $bin $file) $staged }
    Invoke-ReadyToRun -Bin $bin -Files $assemblies
    # Help: MAML for the cmdlets and text for the about topics, from docs/ (syntax and parameters from the
    # staged module's metadata, read in a child pwsh so this process never loads the module it builds).
    Import-Module (Join-Path $root 'src/build/MarkdownHelp.psm1') -Force
    Build-ModuleHelp -ModuleManifest (Join-Path $staged 'NetNsPS.psd1') -DocsPath (Join-Path $root 'docs') -OutputPath (Join-Path $staged 'en-US') | Out-Null
    Write-Host "Staged module at $staged"
}

function Get-Crossgen2 {
    # The SDK's crossgen2 for the runtime this pwsh runs on (src/build/ReadyToRun restores it on demand), or nothing
    # offline.
    $major = [Environment]::Version.Major
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $find = {
        Get-ChildItem (Join-Path $packages "microsoft.netcore.app.crossgen2.linux-$arch") -Directory -ErrorAction SilentlyContinue |
            Where-Object { $_.Name -match "^$major\.\d+\.\d+$" } | Sort-Object { [version] $_.Name } | Select-Object -Last 1
    }
    $pack = & $find
    if (-not $pack -and $major -eq 10) {
        & dotnet restore (Join-Path $root 'src/build/ReadyToRun/ReadyToRun.csproj') --nologo -v quiet | Out-Null
        $pack = & $find
    }
    if ($pack) { Join-Path $pack.FullName 'tools/crossgen2' }
}

function Invoke-Crossgen2 {
    # One IL assembly compiled ReadyToRun for this runtime, against its framework, $PSHOME and the given references.
    # The arguments go in a response file: pwsh would expand the reference patterns (dir/*.dll) into file names
    # itself, and crossgen2 would take those for more inputs.
    param([Parameter(Mandatory)][string] $Crossgen, [Parameter(Mandatory)][string] $In, [Parameter(Mandatory)][string] $Out, [string[]] $References)
    $framework = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    $rsp = New-TemporaryFile
    try {
        @($In, '-o', $Out, '--targetos', 'linux', '--targetarch', $arch, '-O', '-r', (Join-Path $framework '*.dll'), '-r', (Join-Path $PSHOME '*.dll')) +
            @(foreach ($r in $References) { '-r'; $r }) | Set-Content $rsp
        Invoke-Native $Crossgen @("@$rsp") | Out-Null
    } finally {
        Remove-Item $rsp -ErrorAction SilentlyContinue
    }
}

function Invoke-ReadyToRun {
    # The staged assemblies compiled ahead of time (ReadyToRun) for the runtime this pwsh runs on, against its framework
    # and its System.Management.Automation: a fresh pwsh then JIT-compiles about half as many methods before its first
    # results. The IL stays net8.0, so pwsh 7.4 (.NET 8) loads the same files and runs them as IL: a runtime ignores
    # the native code of an R2R image of another major version. Without crossgen2 (offline), the module stays IL
    # only, and says so.
    param([Parameter(Mandatory)][string] $Bin, [Parameter(Mandatory)][string[]] $Files)
    $crossgen = Get-Crossgen2
    if (-not $crossgen) {
        Write-Host "No crossgen2 for .NET $([Environment]::Version.Major) here: the module stays IL only (its first calls in a fresh pwsh JIT-compile more)." -ForegroundColor Yellow
        return
    }
    foreach ($file in $Files) {
        Invoke-Crossgen2 $crossgen (Join-Path $Bin $file) (Join-Path $staged $file) @($Files | Where-Object { $_ -ne $file } | ForEach-Object { Join-Path $Bin $_ })
    }
}

function Get-ReadyToRunPwsh {
    # For the benchmark: a copy of this pwsh ($PSHOME) with its assemblies compiled ReadyToRun, as Microsoft's deb and
    # tar packages of PowerShell ship them. The dotnet tool package (what `dotnet tool restore` gives, and what this
    # repo's scripts run) is IL only, so its fresh processes JIT-compile what a user's pwsh has precompiled; the
    # benchmark reports its fresh-process figures under both. Made once per pwsh version under out/pwsh-r2r; returns
    # its pwsh.dll, or nothing without crossgen2. An assembly crossgen2 refuses is copied as it is.
    $target = Join-Path $root "out/pwsh-r2r/$($PSVersionTable.PSVersion)-net$([Environment]::Version.Major)"
    $done = Join-Path $target '.netnsps-complete'
    if (Test-Path $done) { return Join-Path $target 'pwsh.dll' }
    $crossgen = Get-Crossgen2
    if (-not $crossgen) {
        Write-Host 'No crossgen2 here: the benchmark runs its fresh-process ways under this pwsh only.' -ForegroundColor Yellow
        return
    }
    Write-Host "Compiling a ReadyToRun copy of $PSHOME into $target (once)"
    Remove-Item $target -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path (Split-Path $target) | Out-Null
    Copy-Item $PSHOME $target -Recurse
    $refused = @(foreach ($dll in Get-ChildItem $PSHOME -Filter '*.dll') {
        try { Invoke-Crossgen2 $crossgen $dll.FullName (Join-Path $target $dll.Name) } catch { Copy-Item $dll.FullName $target -Force; $dll.Name }
    })
    if ($refused) { Write-Host "crossgen2 refused $($refused -join ', ') (already compiled, or not IL): those are copied as they are" -ForegroundColor Yellow }
    New-Item -ItemType File -Path $done | Out-Null
    Join-Path $target 'pwsh.dll'
}

function Invoke-IsolatedPwsh {
    # Runs a script in a child pwsh with a temporary HOME, so no user module, repository or setting of this
    # machine takes part and nothing is registered in the user's configuration.
    param([Parameter(Mandatory)][string] $Script)
    $exe = [Environment]::ProcessPath
    $prefix = @(if ((Split-Path $exe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $tempHome = Join-Path ([IO.Path]::GetTempPath()) "netnsps-build-$PID-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $tempHome | Out-Null
    $names = 'HOME', 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'POWERSHELL_TELEMETRY_OPTOUT', 'POWERSHELL_UPDATECHECK'
    $saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    try {
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:HOME = $tempHome
        $env:POWERSHELL_TELEMETRY_OPTOUT = '1'
        $env:POWERSHELL_UPDATECHECK = 'Off'
        # Publish-PSResource writes a NuGet/NuGet.Config under the working directory: let that be the temporary one.
        Push-Location $tempHome
        & $exe @prefix -NoProfile -NonInteractive -Command $Script | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed with exit code $LASTEXITCODE." }
    } finally {
        Pop-Location
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
        Remove-Item $tempHome -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Invoke-Package {
    # Publish-PSResource checks the manifest (Test-ModuleManifest) and packs the staged folder as it is.
    $version = (Import-PowerShellDataFile (Join-Path $staged 'NetNsPS.psd1')).ModuleVersion
    $out = Join-Path $root 'out'
    $repo = Join-Path $out 'repo'
    if (Test-Path $repo) { Remove-Item $repo -Recurse -Force }
    New-Item -ItemType Directory -Path $repo | Out-Null
    Get-ChildItem $out -Filter 'NetNsPS.*.nupkg' | Remove-Item -Force
    $quote = { param($s) "'" + ($s -replace "'", "''") + "'" }
    Invoke-IsolatedPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name NetNsPSLocal -Uri $(& $quote $repo) -Trusted
Publish-PSResource -Path $(& $quote $staged) -Repository NetNsPSLocal
"@
    $package = Join-Path $repo "NetNsPS.$version.nupkg"
    if (-not (Test-Path $package)) { throw "Publish-PSResource did not leave $package." }
    Copy-Item $package $out
    Write-Host "Published NetNsPS $version to $repo; package at $(Join-Path $out "NetNsPS.$version.nupkg")"
}

function Get-PesterModulePath {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $psd1 = Join-Path $packages "pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $psd1)) {
        Invoke-Native dotnet @('restore', (Join-Path $root 'NetNsPS.sln'), '--nologo', '-v', 'quiet')
    }
    if (-not (Test-Path $psd1)) { throw "Pester $pesterVersion was not restored to $psd1" }
    $psd1
}

function Invoke-XunitTests {
    $results = Join-Path $root 'out/test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    & dotnet test (Join-Path $root 'tests/NetNsPS.Tests/NetNsPS.Tests.csproj') -c $Configuration --nologo -v quiet `
        --logger 'trx;LogFileName=xunit.trx' --results-directory $results | Out-Host
    $trx = Join-Path $results 'xunit.trx'
    if (-not (Test-Path $trx)) { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    if ($LASTEXITCODE -ne 0 -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = $failed }
}

function Get-TestDrivers {
    # From bash, "a,b" arrives as one string: split it.
    if ($FirewallDriver) { return @($FirewallDriver -split ',' | Where-Object { $_ }) }
    Import-Module (Join-Path $staged 'NetNsPS.psd1') -Force
    @((Get-NetNsPSOption).AvailableFirewallDrivers)
}

function Invoke-PesterTests {
    param([Parameter(Mandatory)][string] $Driver)
    Import-Module (Join-Path $staged 'NetNsPS.psd1') -Force
    $pester = Get-PesterModulePath
    # From bash, "a,b" arrives as one string: split it.
    $paths = if ($TestPath) { $TestPath -split ',' } else { Join-Path $root 'tests/Pester' }
    $files = Get-ChildItem $paths -Recurse -Filter '*.Tests.ps1' | Sort-Object FullName
    $passed = 0; $failed = 0
    foreach ($file in $files) {
        # Each file gets a sandbox of its own: a fresh network + mount namespace that vanishes afterwards.
        Write-Host "[$Driver] $($file.Name)" -ForegroundColor Cyan
        $summary = Invoke-NsSandbox -ScriptBlock {
            param($PesterPath, $File, $Tag, $ExcludeTag, $ModulePath, $Driver)
            Import-Module $PesterPath
            $env:NETNSPS_TEST_MODULE = $ModulePath
            $env:NETNSPS_FIREWALL = $Driver
            $config = New-PesterConfiguration
            $config.Run.Path = $File
            $config.Run.PassThru = $true
            $config.Output.Verbosity = 'Detailed'
            if ($Tag) { $config.Filter.Tag = $Tag }
            if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag }
            $r = Invoke-Pester -Configuration $config
            [pscustomobject]@{ Passed = $r.PassedCount; Failed = $r.FailedCount + $r.FailedContainersCount; Result = $r.Result }
        } -ArgumentList $pester, $file.FullName, $Tag, $ExcludeTag, (Join-Path $staged 'NetNsPS.psd1'), $Driver -ErrorAction Continue
        if ($null -eq $summary) {
            Write-Host "No result from $($file.Name): counted as one failure" -ForegroundColor Red
            $failed++
            continue
        }
        $passed += [int]$summary.Passed
        $failed += [int]$summary.Failed
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' {
        Invoke-Build
        Invoke-Package
    }
    'Test' {
        Invoke-Build
        # tests/Pester/31-Install.Tests.ps1 installs from out/repo, so the package is made first.
        Invoke-Package
        $x = Invoke-XunitTests
        Write-Host "xunit: $($x.Passed) passed, $($x.Failed) failed"
        $passed = $x.Passed
        $failed = $x.Failed
        # The whole Pester suite once per firewall driver: each file in a sandbox of its own, the driver set in it.
        foreach ($driver in Get-TestDrivers) {
            $p = Invoke-PesterTests -Driver $driver
            Write-Host "Pester ($driver): $($p.Passed) passed, $($p.Failed) failed"
            $passed += $p.Passed
            $failed += $p.Failed
        }
        Write-Host "$passed passed, $failed failed"
        if ($failed -gt 0) { exit 1 }
    }
    'Bench' {
        Invoke-Build
        $sections = if ($BenchSection) { @{ Section = @($BenchSection -split ',' | Where-Object { $_ }) } } else { @{} }
        $sizes = { param([string[]] $List) @($List -split ',' | Where-Object { $_ } | ForEach-Object { [int]$_ }) }
        $r2r = @{}
        if (-not $BenchSection -or ($BenchSection -split ',') -contains 'Loop') {
            $pwshDll = Get-ReadyToRunPwsh
            if ($pwshDll) { $r2r.ReadyToRunPwsh = $pwshDll }
        }
        & (Join-Path $root 'tests/Benchmark/Invoke-Benchmark.ps1') -ModulePath (Join-Path $staged 'NetNsPS.psd1') -N (& $sizes $BenchN) -Rounds $BenchRounds @r2r `
            -HostSizes (& $sizes $BenchHostSizes) -Calls $BenchCalls -FirewallDriver @($BenchFirewallDriver -split ',' | Where-Object { $_ }) `
            -Mappings $BenchMappings -ConnPorts $BenchConnPorts -ConnSeconds $BenchConnSeconds -ConnPipeline $BenchConnPipeline @sections
    }
    'Demo' {
        Invoke-Build
        & (Join-Path $root 'src/demo/ArticleDemo.ps1') -ModulePath (Join-Path $staged 'NetNsPS.psd1')
        if (-not $?) { exit 1 }
    }
}
