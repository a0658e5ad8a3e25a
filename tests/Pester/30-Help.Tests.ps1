# Help and manifest: every exported cmdlet has a doc page that matches the cmdlet, Get-Help shows it,
# the about topics load, the manifest is complete, and the examples in docs/ run (in this file's sandbox).
# Driven by CmdletsToExport and docs/: a new cmdlet needs only its doc page (src/build/MarkdownHelp.psm1,
# New-MarkdownHelpPage, writes the skeleton).
BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $cmdletCases = @((Import-PowerShellDataFile $env:NETNSPS_TEST_MODULE).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    Import-Module (Join-Path $root 'src/build/MarkdownHelp.psm1') -Force
    $pageCases = @(foreach ($file in Get-ChildItem (Join-Path $root 'docs') -Filter '*.md' | Where-Object Name -NotLike 'about_*' | Sort-Object Name) {
            $doc = Read-MarkdownHelp -Path $file.FullName
            @{
                Page     = $file.Name
                Examples = @($doc.Examples | ForEach-Object { @{ Number = $_.Number; Title = $_.Title; Code = $_.Code; Runnable = $_.Runnable; SkipReason = $_.SkipReason } })
            }
        })
    $aboutCases = @(Get-ChildItem (Join-Path $root 'docs') -Filter 'about_*.md' | ForEach-Object { @{ Topic = $_.BaseName } })
}

BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:docs = Join-Path $root 'docs'
    Import-Module (Join-Path $root 'src/build/MarkdownHelp.psm1') -Force
    $script:manifest = Import-PowerShellDataFile $env:NETNSPS_TEST_MODULE
    $script:metadata = @{}
    foreach ($m in Get-CmdletHelpMetadata -ModuleManifest $env:NETNSPS_TEST_MODULE) { $script:metadata[$m.Name] = $m }

    function Invoke-DocExample {
        # Runs one example as a user would paste it, and returns its errors and the "What if:" lines it printed.
        param([string] $Code)
        $ErrorActionPreference = 'Continue'
        $ConfirmPreference = 'None'   # stands for the user answering Yes to the prompts of High-impact removals
        $transcript = Join-Path ([IO.Path]::GetTempPath()) "netnsps-doctest-$([guid]::NewGuid().ToString('n')).txt"
        $errors = [System.Collections.Generic.List[string]]::new()
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try {
            foreach ($record in & ([scriptblock]::Create($Code)) 2>&1) {
                if ($record -is [System.Management.Automation.ErrorRecord]) { $errors.Add("$record ($($record.FullyQualifiedErrorId))") }
            }
        } catch {
            $errors.Add("$_ ($($_.FullyQualifiedErrorId))")
        } finally {
            Stop-Transcript | Out-Null
        }
        $whatIf = @(Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if: *' })
        Remove-Item -LiteralPath $transcript
        [pscustomobject]@{ Errors = $errors.ToArray(); WhatIf = $whatIf }
    }
}

Describe 'Help for <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $path = Join-Path $docs "$Name.md"
        $doc = if (Test-Path $path) { Read-MarkdownHelp -Path $path }
        $meta = $metadata[$Name]
    }

    It 'has a doc page docs/<Name>.md, filled in' {
        $doc | Should -Not -BeNullOrEmpty -Because "every exported cmdlet needs docs/$Name.md (New-MarkdownHelpPage writes the skeleton)"
        $doc.Name | Should -Be $Name
        $doc.ModuleName | Should -Be 'NetNsPS'
        $doc.ExternalHelpFile | Should -Be 'NetNsPS.dll-Help.xml'
        $doc.HasPlaceholders | Should -BeFalse -Because 'no {{ ... }} placeholder may be left'
        $doc.Synopsis | Should -Not -BeNullOrEmpty
        $doc.Description | Should -Not -BeNullOrEmpty
        $doc.HasCommonParameters | Should -BeTrue
        $doc.Inputs | Should -Not -BeNullOrEmpty
        $doc.Outputs | Should -Not -BeNullOrEmpty
        $doc.RelatedLinks | Should -Not -BeNullOrEmpty
    }

    It 'documents exactly the parameters the cmdlet has (common parameters aside)' {
        $real = @($meta.Parameters.Name | Sort-Object)
        $documented = @($doc.Parameters.Name | Sort-Object)
        $missing = @($real | Where-Object { $_ -notin $documented })
        $stale = @($documented | Where-Object { $_ -notin $real })
        "missing: $($missing -join ', '); stale: $($stale -join ', ')" | Should -Be 'missing: ; stale: '
        $documented.Count | Should -Be (@($doc.Parameters.Name | Select-Object -Unique).Count) -Because 'each parameter is documented once'
    }

    It 'describes every parameter and gives yaml that matches the cmdlet' {
        foreach ($p in $doc.Parameters | Where-Object Name -In $meta.Parameters.Name) {
            ($p.Description | Where-Object Kind -EQ 'para') | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a description"
            $expected = @(Get-ParameterYaml $meta $p.Name | ForEach-Object { ($_.GetEnumerator() | ForEach-Object { "$($_.Key): $($_.Value)" }) -join '; ' })
            $actual = @($p.Yaml | ForEach-Object { ($_.GetEnumerator() | Where-Object Key -NE 'Default value' | ForEach-Object { "$($_.Key): $($_.Value)" }) -join '; ' })
            $actual | Should -Be $expected -Because "the yaml of -$($p.Name) must match the cmdlet"
            $p.Yaml | ForEach-Object { $_['Default value'] | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a Default value" }
        }
    }

    It 'shows the syntax of every parameter set' {
        $expected = @($meta.ParameterSets | ForEach-Object { Get-SyntaxText $meta $_ } | Sort-Object)
        $actual = @($doc.Syntax | ForEach-Object { $_.Text -replace '\s+', ' ' } | Sort-Object)
        $actual | Should -Be $expected
    }

    It 'has at least two examples, each "### Example N: title" with code and a sentence, numbered from 1' {
        $doc.Examples.Count | Should -BeGreaterOrEqual 2
        @($doc.Examples.Number) | Should -Be @(1..$doc.Examples.Count)
        foreach ($example in $doc.Examples) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks | Where-Object Kind -EQ 'para') | Should -Not -BeNullOrEmpty -Because "Example $($example.Number) needs a sentence"
        }
    }

    It 'lists the raw commands it runs in NOTES' {
        $code = @($doc.Notes | Where-Object Kind -EQ 'code' | ForEach-Object Lines)
        $code | Should -Not -BeNullOrEmpty
        $code | Where-Object { $_ -match '^(ip|tc|unshare|iptables|nft|sysctl|modprobe|mount|export|unset|echo)\b' } | Should -Not -BeNullOrEmpty
    }

    It 'Get-Help shows the synopsis, the description and every parameter' {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Be ($doc.Synopsis -replace '\[([^\]]+)\]\([^)]*\)', '$1')
        $help.description | Should -Not -BeNullOrEmpty
        @($help.parameters.parameter.name | Sort-Object) | Should -Be @($meta.Parameters.Name | Sort-Object)
        foreach ($p in $help.parameters.parameter) {
            ($p.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "Get-Help $Name -Parameter $($p.name) needs a description"
        }
        @($help.syntax.syntaxItem).Count | Should -Be @($meta.ParameterSets).Count
    }

    It 'Get-Help -Examples shows at least two examples' {
        $examples = @((Get-Help $Name -Examples).examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        $examples.Count | Should -Be $doc.Examples.Count
        $examples[0].code | Should -Not -BeNullOrEmpty
    }
}

Describe 'The docs folder' {
    It 'has no page for a cmdlet the module does not export' {
        $pages = @(Get-ChildItem $docs -Filter '*.md' | Where-Object Name -NotLike 'about_*' | ForEach-Object BaseName)
        @($pages | Where-Object { $_ -notin $manifest.CmdletsToExport }) | Should -BeNullOrEmpty
    }

    It 'links only to pages that exist' {
        foreach ($file in Get-ChildItem $docs -Filter '*.md' | Where-Object Name -NotLike 'about_*') {
            foreach ($link in (Read-MarkdownHelp -Path $file.FullName).RelatedLinks | Where-Object Uri -Match '\.md$') {
                Join-Path $docs $link.Uri | Should -Exist -Because "$($file.Name) links to $($link.Uri)"
            }
        }
    }

    It 'marks few examples as not run (doctest: skip)' {
        $skipped = @(foreach ($file in Get-ChildItem $docs -Filter '*.md' | Where-Object Name -NotLike 'about_*') {
                (Read-MarkdownHelp -Path $file.FullName).Examples | Where-Object { -not $_.Runnable }
            })
        $skipped.Count | Should -BeLessOrEqual 3
        $skipped | ForEach-Object { $_.SkipReason | Should -Not -BeNullOrEmpty -Because 'a skipped example says why' }
    }
}

Describe 'About topic <Topic>' -ForEach $aboutCases {
    It 'Get-Help <Topic> shows the topic with its short description' {
        $help = Get-Help $Topic
        $help | Should -Not -BeNullOrEmpty
        $help.Category | Should -Be 'HelpFile'
        $help.Synopsis | Should -Not -BeNullOrEmpty
        ($help | Out-String) | Should -Match "TOPIC\s+$Topic"
    }
}

Describe 'about_NetNsPS' {
    It 'explains the ideas of the article in the module''s terms' {
        $text = Get-Help about_NetNsPS | Out-String
        foreach ($idea in 'double role', 'scope link', 'veth', 'MASQUERADE', 'ip_forward', 'hairpin', 'route_localnet', 'br_netfilter', 'What if:',
            'Publish-NsPort', 'Enable-IpForward', 'Enable-NsMasquerade', 'Set-BridgeHairpin', 'Enable-BridgeNetfilter') {
            $text | Should -Match ([regex]::Escape($idea))
        }
    }
}

Describe 'The manifest' {
    It 'passes Test-ModuleManifest' {
        $info = Test-ModuleManifest -Path $env:NETNSPS_TEST_MODULE -ErrorAction Stop
        $info.Version | Should -Be ([version]$manifest.ModuleVersion)
        @($info.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
    }

    It 'exports exactly CmdletsToExport: Get-Command -Module NetNsPS' {
        @(Get-Command -Module NetNsPS | ForEach-Object Name | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
    }

    It 'has what the gallery needs' {
        $manifest.ModuleVersion | Should -Match '^\d+\.\d+\.\d+$'
        $manifest.GUID | Should -Be '6f1d2c7e-4b8a-4e5f-9a3d-2c1b0e7f8a94'
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.CompanyName | Should -Not -BeNullOrEmpty
        $manifest.Copyright | Should -Not -BeNullOrEmpty
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.FunctionsToExport | Should -BeNullOrEmpty
        $manifest.AliasesToExport | Should -BeNullOrEmpty
        $manifest.VariablesToExport | Should -BeNullOrEmpty
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        $data = $manifest.PrivateData.PSData
        foreach ($tag in 'Linux', 'PSEdition_Core', 'networking', 'netns', 'namespace', 'bridge', 'iptables', 'docker', 'container') { $data.Tags | Should -Contain $tag }
        $data.ProjectUri | Should -Match '^https://'
        $data.LicenseUri | Should -Match '^https://'
        $data.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'names the version that the assembly and CHANGELOG.md name' {
        $assembly = [NetNsPS.ModuleInitializer].Assembly.GetName().Version
        "$($assembly.Major).$($assembly.Minor).$($assembly.Build)" | Should -Be $manifest.ModuleVersion
        Get-Content (Join-Path $root 'CHANGELOG.md') -Raw | Should -Match "(?m)^## \[$([regex]::Escape($manifest.ModuleVersion))\] - \d{4}-\d{2}-\d{2}$"
    }

    It 'ships the help, the type and format files, and the license in the module folder' {
        $base = Split-Path $env:NETNSPS_TEST_MODULE
        foreach ($file in @($manifest.FormatsToProcess) + @($manifest.TypesToProcess) + 'LICENSE' + 'en-US/NetNsPS.dll-Help.xml') {
            Join-Path $base $file | Should -Exist
        }
        foreach ($about in Get-ChildItem $docs -Filter 'about_*.md') {
            Join-Path $base "en-US/$($about.BaseName).help.txt" | Should -Exist
        }
        { [xml](Get-Content (Join-Path $base 'en-US/NetNsPS.dll-Help.xml') -Raw) } | Should -Not -Throw
    }

    It 'TypesToProcess gives NsIPAddress objects a CIDR property, also when they come back from a sandbox' {
        (Get-NsIPAddress 127.0.0.1 -InterfaceName lo).CIDR | Should -Be '127.0.0.1/8'
        $back = Invoke-NsSandbox { Get-NsIPAddress 127.0.0.1 -InterfaceName lo }
        $back.pstypenames[0] | Should -Be 'Deserialized.NetNsPS.NsIPAddress'
        $back.CIDR | Should -Be '127.0.0.1/8'
    }
}

Describe 'Examples in docs/<Page>' -ForEach $pageCases {
    BeforeAll {
        # A page's examples build on each other; a page that shows iptables commands runs, whole, under the
        # iptables driver, the one whose commands it documents.
        $script:pageDriver = $env:NETNSPS_FIREWALL
        if (@($Examples | Where-Object { $_.Code -match '(?m)^\s*#\s*What if: iptables' })) { $env:NETNSPS_FIREWALL = 'iptables' }
        Reset-Sandbox
    }
    AfterAll { $env:NETNSPS_FIREWALL = $script:pageDriver }

    It 'Example <Number>: <Title>' -ForEach $Examples {
        if (-not $Runnable) {
            Set-ItResult -Skipped -Because "marked doctest: skip ($SkipReason)"
            return
        }
        # An example that shows its "What if:" lines as comments must print exactly those; `<mac>` stands for
        # a MAC address that depends on the machine (a bridge's, derived from /etc/machine-id).
        $expected = @($Code -split "`n" | Where-Object { $_ -match '^\s*#\s*What if: ' } | ForEach-Object { $_ -replace '^\s*#\s*', '' })
        $result = Invoke-DocExample $Code
        $result.Errors -join [Environment]::NewLine | Should -BeNullOrEmpty
        if ($expected) {
            $result.WhatIf.Count | Should -Be $expected.Count -Because ($result.WhatIf -join "`n")
            for ($i = 0; $i -lt $expected.Count; $i++) {
                $pattern = '^' + ([regex]::Escape($expected[$i]) -replace '<mac>', '[0-9a-f]{2}(:[0-9a-f]{2}){5}') + '$'
                $result.WhatIf[$i] | Should -Match $pattern
            }
        }
    }
}
