# Turns docs/*.md (platyPS v1 markdown) into the help PowerShell reads: MAML for the cmdlets
# (<module>/en-US/<assembly>-Help.xml) and plain text for the about topics (about_*.help.txt).
# platyPS is not available, so this is the conversion, written for the schema the docs use.
#
# Syntax, parameter types, positions, pipeline input, aliases and wildcard support come from the
# Get-Command metadata of the built module (read in a child pwsh, so the caller never loads it);
# prose, examples, default values, inputs, outputs, notes and links come from the markdown.
# Used by build.ps1 (Build) and by tests/Pester/30-Help.Tests.ps1.

Set-StrictMode -Version Latest

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:PlaceholderPattern = '\{\{.*\}\}'
$script:WhatIfDescription = 'Shows the raw commands the cmdlet would run, one "What if:" line each, and runs none of them.'
$script:ConfirmDescription = 'Prompts you for confirmation before each command the cmdlet runs.'
$script:CommonParametersText = 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).'

#region Metadata of the built module

# Runs in the child pwsh: imports the module and writes what help needs about each exported cmdlet as JSON.
$script:MetadataScript = {
    $ErrorActionPreference = 'Stop'
    $module = Import-Module $env:NETNSPS_HELP_MODULE -PassThru -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters

    function Get-FriendlyTypeName([type] $Type) {
        $underlying = [Nullable]::GetUnderlyingType($Type)
        if ($underlying) { return Get-FriendlyTypeName $underlying }
        if ($Type.IsArray) { return (Get-FriendlyTypeName $Type.GetElementType()) + '[]' }
        $Type.Name -replace '`\d+$', ''
    }

    $commands = foreach ($cmd in $module.ExportedCmdlets.Values | Sort-Object Name) {
        $sets = foreach ($set in $cmd.ParameterSets) {
            [ordered]@{
                Name       = $set.Name
                IsDefault  = $set.IsDefault
                Parameters = @(foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
                        [ordered]@{
                            Name                            = $p.Name
                            Type                            = Get-FriendlyTypeName $p.ParameterType
                            IsSwitch                        = $p.ParameterType -eq [switch]
                            IsArray                         = $p.ParameterType.IsArray
                            IsMandatory                     = $p.IsMandatory
                            Position                        = if ($p.Position -eq [int]::MinValue) { $null } else { $p.Position }
                            ValueFromPipeline               = $p.ValueFromPipeline
                            ValueFromPipelineByPropertyName = $p.ValueFromPipelineByPropertyName
                        }
                    })
            }
        }
        $parameters = foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $common }) {
            [ordered]@{
                Name              = $p.Name
                Type              = Get-FriendlyTypeName $p.ParameterType
                IsSwitch          = $p.SwitchParameter
                Aliases           = @($p.Aliases)
                SupportsWildcards = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            }
        }
        [ordered]@{
            Name          = $cmd.Name
            Verb          = $cmd.Verb
            Noun          = $cmd.Noun
            ParameterSets = @($sets)
            Parameters    = @($parameters)
            OutputTypes   = @($cmd.OutputType | ForEach-Object { $_.Name })
        }
    }
    ConvertTo-Json -InputObject @($commands) -Depth 8 | Set-Content -LiteralPath $env:NETNSPS_HELP_OUT -Encoding utf8NoBOM
}

function Get-ChildPwshCommandLine {
    # The pwsh running this script: its own executable, or `dotnet pwsh.dll` when it is the dotnet tool.
    $exe = [Environment]::ProcessPath
    $prefix = @(if ((Split-Path $exe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    , (@($exe) + $prefix)
}

function Get-CmdletHelpMetadata {
    <#
    .SYNOPSIS
        Reads the exported cmdlets' metadata from a module manifest, in a child pwsh.
    .OUTPUTS
        One object per exported cmdlet: Name, Verb, Noun, ParameterSets, Parameters (common parameters left out), OutputTypes.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $ModuleManifest)

    $out = [System.IO.Path]::GetTempFileName()
    $saved = $env:NETNSPS_HELP_MODULE, $env:NETNSPS_HELP_OUT
    try {
        $env:NETNSPS_HELP_MODULE = (Resolve-Path -LiteralPath $ModuleManifest).ProviderPath
        $env:NETNSPS_HELP_OUT = $out
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script:MetadataScript.ToString()))
        $pwsh = Get-ChildPwshCommandLine
        $exe, $prefix = $pwsh[0], @($pwsh | Select-Object -Skip 1)
        $log = & $exe @prefix -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Reading the cmdlet metadata of $ModuleManifest failed: $($log -join [Environment]::NewLine)" }
        Get-Content -LiteralPath $out -Raw | ConvertFrom-Json -Depth 10 | ForEach-Object { $_ }
    } finally {
        $env:NETNSPS_HELP_MODULE, $env:NETNSPS_HELP_OUT = $saved
        Remove-Item -LiteralPath $out -ErrorAction SilentlyContinue
    }
}

#endregion

#region Markdown

function ConvertFrom-MarkdownBlock {
    # Splits markdown lines into blocks: heading, para, code, list, table, comment. Fenced code is kept verbatim.
    param([string[]] $Lines)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        if ($line -match '^\s*$') { $i++; continue }
        if ($line -match '^(`{3,})\s*([\w-]*)\s*$') {
            $fence, $language = $Matches[1], $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch "^$fence\s*$") { $code.Add($Lines[$i]); $i++ }
            if ($i -ge $Lines.Count) { throw "A code block opened with $fence is never closed." }
            $i++
            $blocks.Add([pscustomobject]@{ Kind = 'code'; Language = $language; Lines = $code.ToArray() })
            continue
        }
        if ($line -match '^(#{1,6})\s+(.*?)\s*$') {
            $blocks.Add([pscustomobject]@{ Kind = 'heading'; Level = $Matches[1].Length; Text = $Matches[2] })
            $i++
            continue
        }
        if ($line -match '^\s*<!--') {
            $text = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $Lines.Count) {
                $text.Add($Lines[$i])
                if ($Lines[$i] -match '-->') { break }
                $i++
            }
            $i++
            $blocks.Add([pscustomobject]@{ Kind = 'comment'; Text = (($text -join "`n") -replace '^\s*<!--\s*|\s*-->\s*$', '') })
            continue
        }
        if ($line -match '^\|') {
            $rows = [System.Collections.Generic.List[string[]]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i] -match '^\|') {
                $cells = @($Lines[$i].Trim().Trim('|') -split '(?<!\\)\|' | ForEach-Object { $_.Trim() -replace '\\\|', '|' })
                if (-not ($cells -join '' -match '^[-:\s]+$')) { $rows.Add($cells) }
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'table'; Rows = $rows.ToArray() })
            continue
        }
        if ($line -match '^\s*([-*]|\d+\.)\s+') {
            $items = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch '^\s*$') {
                if ($Lines[$i] -match '^\s*(?:[-*]|\d+\.)\s+(.*)$') {
                    $marker = if ($Lines[$i] -match '^\s*(\d+\.)') { $Matches[1] } else { '-' }
                    $items.Add("$marker " + ($Lines[$i] -replace '^\s*(?:[-*]|\d+\.)\s+', '').Trim())
                } else {
                    $items[$items.Count - 1] += ' ' + $Lines[$i].Trim()
                }
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'list'; Items = $items.ToArray() })
            continue
        }
        $para = [System.Collections.Generic.List[string]]::new()
        while ($i -lt $Lines.Count -and $Lines[$i] -notmatch '^\s*$' -and $Lines[$i] -notmatch '^(`{3,}|#{1,6}\s|\||\s*<!--)') {
            $para.Add($Lines[$i].Trim())
            $i++
        }
        $blocks.Add([pscustomobject]@{ Kind = 'para'; Text = $para -join ' ' })
    }
    , $blocks.ToArray()
}

function Split-MarkdownSection {
    # Groups blocks under headings of one level: returns ordered Title -> blocks (blocks before the first heading under '').
    param([object[]] $Blocks, [int] $Level)
    $sections = [ordered]@{ '' = [System.Collections.Generic.List[object]]::new() }
    $current = ''
    foreach ($b in $Blocks) {
        if ($b.Kind -eq 'heading' -and $b.Level -eq $Level) {
            $current = $b.Text
            if ($sections.Contains($current)) { throw "Heading '$current' appears twice." }
            $sections[$current] = [System.Collections.Generic.List[object]]::new()
            continue
        }
        $sections[$current].Add($b)
    }
    $sections
}

function ConvertFrom-YamlBlock {
    # The flat "Key: value" yaml platyPS uses for parameters and front matter.
    param([string[]] $Lines)
    $map = [ordered]@{}
    foreach ($l in $Lines) {
        if ($l -match '^\s*$') { continue }
        if ($l -notmatch '^([^:]+):\s*(.*?)\s*$') { throw "Not a 'Key: value' line: $l" }
        $map[$Matches[1].Trim()] = $Matches[2]
    }
    $map
}

function Read-MarkdownHelp {
    <#
    .SYNOPSIS
        Parses one platyPS v1 cmdlet page (docs/<Verb-Noun>.md).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $Path)

    $lines = @(Get-Content -LiteralPath $Path)
    $where = Split-Path $Path -Leaf
    if ($lines.Count -lt 3 -or $lines[0] -ne '---') { throw "${where}: a cmdlet page starts with front matter between '---' lines." }
    $end = [Array]::IndexOf($lines, '---', 1)
    if ($end -lt 0) { throw "${where}: the front matter is never closed with '---'." }
    $front = ConvertFrom-YamlBlock $lines[1..($end - 1)]
    $blocks = ConvertFrom-MarkdownBlock @($lines | Select-Object -Skip ($end + 1))
    $top = Split-MarkdownSection $blocks 1
    $titles = @($top.Keys | Where-Object { $_ })
    if ($titles.Count -ne 1) { throw "${where}: a cmdlet page has exactly one '# Name' heading." }
    $name = $titles[0]
    $h2 = Split-MarkdownSection $top[$name] 2
    $required = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
    $missing = @($required | Where-Object { -not $h2.Contains($_) })
    if ($missing) { throw "${where}: missing section(s) $($missing -join ', ')." }
    $unknown = @($h2.Keys | Where-Object { $_ -and $_ -notin $required })
    if ($unknown) { throw "${where}: unknown section(s) $($unknown -join ', ')." }

    $syntax = foreach ($entry in (Split-MarkdownSection $h2['SYNTAX'] 3).GetEnumerator()) {
        foreach ($code in $entry.Value | Where-Object Kind -eq 'code') {
            $setName = $entry.Key -replace '\s*\(Default\)$', ''
            [pscustomobject]@{ ParameterSet = $setName; IsDefault = $entry.Key -match '\(Default\)$'; Text = ($code.Lines -join ' ') }
        }
    }

    $examples = foreach ($entry in (Split-MarkdownSection $h2['EXAMPLES'] 3).GetEnumerator()) {
        if (-not $entry.Key) {
            if ($entry.Value.Count) { throw "${where}: text under EXAMPLES before the first '### Example' heading." }
            continue
        }
        if ($entry.Key -notmatch '^Example (\d+): (.+)$') { throw "${where}: example heading '$($entry.Key)' is not '### Example N: title'." }
        $number, $title = [int]$Matches[1], $Matches[2]
        $codeBlocks = @($entry.Value | Where-Object Kind -eq 'code')
        $scripts = @($codeBlocks | Where-Object Language -eq 'powershell')
        if (-not $scripts) { throw "${where}: Example $number has no powershell code block." }
        $skip = @($entry.Value | Where-Object { $_.Kind -eq 'comment' -and $_.Text -match '^doctest:\s*skip\b' })
        [pscustomobject]@{
            Number     = $number
            Title      = $title
            Code       = (($scripts | ForEach-Object { $_.Lines -join "`n" }) -join "`n`n")
            Display    = (($codeBlocks | ForEach-Object { $_.Lines -join "`n" }) -join "`n`n")
            Remarks    = @($entry.Value | Where-Object { $_.Kind -notin 'code', 'comment' })
            Runnable   = -not $skip
            SkipReason = if ($skip) { ($skip[0].Text -replace '^doctest:\s*skip\s*', '').Trim(' ()') } else { $null }
        }
    }

    $parameters = foreach ($entry in (Split-MarkdownSection $h2['PARAMETERS'] 3).GetEnumerator()) {
        if (-not $entry.Key -or $entry.Key -eq 'CommonParameters') { continue }
        if ($entry.Key -notmatch '^-(\w+)$') { throw "${where}: parameter heading '$($entry.Key)' is not '### -Name'." }
        $yaml = @($entry.Value | Where-Object { $_.Kind -eq 'code' -and $_.Language -eq 'yaml' } | ForEach-Object { ConvertFrom-YamlBlock $_.Lines })
        if (-not $yaml) { throw "${where}: parameter -$($Matches[1]) has no yaml block." }
        [pscustomobject]@{
            Name        = $Matches[1]
            Description = @($entry.Value | Where-Object { -not ($_.Kind -eq 'code' -and $_.Language -eq 'yaml') -and $_.Kind -ne 'comment' })
            Yaml        = $yaml
        }
    }

    $typeList = {
        param($section)
        foreach ($entry in (Split-MarkdownSection $h2[$section] 3).GetEnumerator()) {
            if (-not $entry.Key) { continue }
            [pscustomobject]@{ Type = $entry.Key; Description = @($entry.Value) }
        }
    }

    $links = foreach ($b in $h2['RELATED LINKS']) {
        if ($b.Kind -ne 'para') { continue }
        foreach ($m in [regex]::Matches($b.Text, '\[([^\]]+)\]\(([^)]*)\)')) {
            [pscustomobject]@{ Text = $m.Groups[1].Value; Uri = $m.Groups[2].Value }
        }
    }

    [pscustomobject]@{
        Path                 = $Path
        Name                 = $name
        ExternalHelpFile     = $front['external help file']
        ModuleName           = $front['Module Name']
        Synopsis             = (@($h2['SYNOPSIS'] | Where-Object Kind -eq 'para' | ForEach-Object Text) -join ' ')
        Syntax               = @($syntax)
        Description          = @($h2['DESCRIPTION'])
        Examples             = @($examples)
        Parameters           = @($parameters)
        HasCommonParameters  = (Split-MarkdownSection $h2['PARAMETERS'] 3).Contains('CommonParameters')
        Inputs               = @(& $typeList 'INPUTS')
        Outputs              = @(& $typeList 'OUTPUTS')
        Notes                = @($h2['NOTES'])
        RelatedLinks         = @($links)
        HasPlaceholders      = [bool](@($lines) -match $script:PlaceholderPattern)
    }
}

function Format-InlineMarkdown {
    # What help text keeps of inline markdown: code spans stay (as Get-Help shows them), links become their text.
    param([string] $Text)
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)')
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\([^)]*\)', '$1')
    $Text -replace '\*\*([^*]+)\*\*', '$1'
}

function ConvertTo-TextLine {
    # Blocks as MAML paragraphs, one per block. A list, code block or table stays one paragraph of lines, so
    # Get-Help shows it without blank lines in between (it trims a paragraph's leading white space, so code
    # cannot be indented).
    param([object[]] $Blocks)
    foreach ($b in $Blocks) {
        switch ($b.Kind) {
            'para' { Format-InlineMarkdown $b.Text }
            'list' { ($b.Items | ForEach-Object { Format-InlineMarkdown $_ }) -join "`n" }
            'code' { $b.Lines -join "`n" }
            'table' { (Format-TextTable $b.Rows) -join "`n" }
            'heading' { $b.Text }
        }
    }
}

function Format-TextTable {
    param([object[]] $Rows)
    $rows = @($Rows | ForEach-Object { , @($_ | ForEach-Object { Format-InlineMarkdown $_ }) })
    $columns = ($rows | ForEach-Object { $_.Count } | Measure-Object -Maximum).Maximum
    $widths = foreach ($c in 0..($columns - 1)) { ($rows | ForEach-Object { if ($c -lt $_.Count) { $_[$c].Length } else { 0 } } | Measure-Object -Maximum).Maximum }
    $first = $true
    foreach ($row in $rows) {
        $cells = foreach ($c in 0..($columns - 1)) { $cell = if ($c -lt $row.Count) { $row[$c] } else { '' }; $cell.PadRight($widths[$c]) }
        ($cells -join '  ').TrimEnd()
        if ($first) { (($widths | ForEach-Object { '-' * $_ }) -join '  '); $first = $false }
    }
}

#endregion

#region Syntax and parameter yaml from metadata

function Format-PipelineInput {
    param([bool] $ByValue, [bool] $ByPropertyName)
    if ($ByValue -and $ByPropertyName) { return 'True (ByPropertyName, ByValue)' }
    if ($ByValue) { return 'True (ByValue)' }
    if ($ByPropertyName) { return 'True (ByPropertyName)' }
    'False'
}

function Get-DisplayOrder {
    # As Get-Command -Syntax orders them: positional by position, then mandatory named, then the rest as declared.
    param([object[]] $Parameters)
    @($Parameters | Where-Object { $null -ne $_.Position } | Sort-Object Position) +
    @($Parameters | Where-Object { $null -eq $_.Position -and $_.IsMandatory }) +
    @($Parameters | Where-Object { $null -eq $_.Position -and -not $_.IsMandatory })
}

function Get-SyntaxText {
    <#
    .SYNOPSIS
        One parameter set's syntax line, as platyPS writes it: New-NetNamespace [-Name] <String[]> [-WhatIf] [-Confirm] [<CommonParameters>]
    #>
    param([Parameter(Mandatory)] $Command, [Parameter(Mandatory)] $ParameterSet)
    $parts = foreach ($p in Get-DisplayOrder $ParameterSet.Parameters) {
        $nameText = if ($null -ne $p.Position) { "[-$($p.Name)]" } else { "-$($p.Name)" }
        $text = if ($p.IsSwitch) { "-$($p.Name)" } else { "$nameText <$($p.Type)>" }
        if ($p.IsMandatory) { $text } else { "[$text]" }
    }
    (@($Command.Name) + @($parts) + '[<CommonParameters>]') -join ' '
}

function Get-ParameterYaml {
    <#
    .SYNOPSIS
        The yaml blocks platyPS writes for one parameter (one per group of parameter sets that treat it alike),
        without 'Default value', which only the author knows.
    #>
    param([Parameter(Mandatory)] $Command, [Parameter(Mandatory)][string] $Name)
    $info = $Command.Parameters | Where-Object Name -eq $Name
    $inSets = foreach ($set in $Command.ParameterSets) {
        $p = $set.Parameters | Where-Object Name -eq $Name
        if ($p) { [pscustomobject]@{ Set = $set.Name; P = $p; Key = "$($p.IsMandatory)|$($p.Position)|$($p.ValueFromPipeline)|$($p.ValueFromPipelineByPropertyName)" } }
    }
    $groups = @($inSets | Group-Object Key)
    foreach ($g in $groups) {
        $p = $g.Group[0].P
        $all = $groups.Count -eq 1 -and $g.Count -eq @($Command.ParameterSets).Count
        [ordered]@{
            'Type'                       = $info.Type
            'Parameter Sets'             = if ($all) { '(All)' } else { ($g.Group.Set -join ', ') }
            'Aliases'                    = (@($info.Aliases) -join ', ')
            'Required'                   = "$($p.IsMandatory)"
            'Position'                   = if ($null -eq $p.Position) { 'Named' } else { "$($p.Position)" }
            'Accept pipeline input'      = Format-PipelineInput $p.ValueFromPipeline $p.ValueFromPipelineByPropertyName
            'Accept wildcard characters' = "$($info.SupportsWildcards)"
        }
    }
}

function Get-ParameterSortOrder {
    # platyPS lists parameters alphabetically.
    param($Command)
    @($Command.Parameters | Sort-Object Name)
}

function New-MarkdownHelpPage {
    <#
    .SYNOPSIS
        Writes the skeleton of a cmdlet's doc page: syntax and parameter yaml from the built module,
        {{ ... }} placeholders for the prose. The tests fail while a placeholder is left.
    .EXAMPLE
        Import-Module ./src/build/MarkdownHelp.psm1
        New-MarkdownHelpPage -ModuleManifest ./out/NetNsPS/NetNsPS.psd1 -Name Publish-NsPort -OutputFolder ./docs
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)][string] $ModuleManifest,
        [Parameter(Mandatory)][string[]] $Name,
        [Parameter(Mandatory)][string] $OutputFolder,
        [switch] $Force
    )
    $moduleName = [IO.Path]::GetFileNameWithoutExtension($ModuleManifest)
    $helpFile = (Import-PowerShellDataFile $ModuleManifest).RootModule + '-Help.xml'
    $all = @(Get-CmdletHelpMetadata -ModuleManifest $ModuleManifest)
    foreach ($n in $Name) {
        $cmd = $all | Where-Object Name -eq $n
        if (-not $cmd) { Write-Error "$n is not a cmdlet exported by $ModuleManifest." -Category ObjectNotFound; continue }
        $path = Join-Path $OutputFolder "$n.md"
        if ((Test-Path $path) -and -not $Force) { Write-Error "$path exists; use -Force to overwrite it." -Category ResourceExists; continue }
        $sb = [System.Text.StringBuilder]::new()
        $add = { param($line) [void]$sb.Append($line).Append("`n") }
        & $add '---'; & $add "external help file: $helpFile"; & $add "Module Name: $moduleName"; & $add 'online version:'; & $add 'schema: 2.0.0'; & $add '---'; & $add ''
        & $add "# $n"; & $add ''; & $add '## SYNOPSIS'; & $add '{{ Fill in the Synopsis }}'; & $add ''; & $add '## SYNTAX'; & $add ''
        $sets = @($cmd.ParameterSets)
        foreach ($set in $sets) {
            if ($sets.Count -gt 1) { & $add ("### $($set.Name)" + $(if ($set.IsDefault) { ' (Default)' } else { '' })) }
            & $add '```'; & $add (Get-SyntaxText $cmd $set); & $add '```'; & $add ''
        }
        & $add '## DESCRIPTION'; & $add '{{ Fill in the Description }}'; & $add ''
        & $add '## EXAMPLES'; & $add ''
        foreach ($k in 1, 2) { & $add "### Example ${k}: {{ title }}"; & $add '```powershell'; & $add '{{ code }}'; & $add '```'; & $add ''; & $add '{{ what it does }}'; & $add '' }
        & $add '## PARAMETERS'; & $add ''
        foreach ($p in Get-ParameterSortOrder $cmd) {
            & $add "### -$($p.Name)"
            & $add $(switch ($p.Name) { 'WhatIf' { $script:WhatIfDescription } 'Confirm' { $script:ConfirmDescription } default { "{{ Fill $($p.Name) Description }}" } })
            & $add ''
            foreach ($y in Get-ParameterYaml $cmd $p.Name) {
                & $add '```yaml'
                foreach ($k in $y.Keys) {
                    & $add "${k}: $($y[$k])".TrimEnd()
                    if ($k -eq 'Aliases') { & $add '' }
                    if ($k -eq 'Position') { & $add $(if ($p.IsSwitch) { 'Default value: False' } else { 'Default value: None' }) }
                }
                & $add '```'; & $add ''
            }
        }
        & $add '### CommonParameters'; & $add $script:CommonParametersText; & $add ''
        & $add '## INPUTS'; & $add ''; & $add '### {{ Input type }}'; & $add ''
        & $add '## OUTPUTS'; & $add ''
        foreach ($t in @($cmd.OutputTypes)) { & $add "### $(if ($t -eq 'System.Void') { 'None' } else { $t })"; & $add '{{ what is written }}'; & $add '' }
        & $add '## NOTES'; & $add '{{ the raw commands it runs }}'; & $add ''
        & $add '## RELATED LINKS'; & $add ''; & $add "[about_$moduleName](about_$moduleName.md)"
        if ($PSCmdlet.ShouldProcess($path, 'Write doc page')) {
            Set-Content -LiteralPath $path -Value $sb.ToString().TrimEnd("`n") -Encoding utf8NoBOM
            Get-Item -LiteralPath $path
        }
    }
}

#endregion

#region MAML

function Write-MamlPara {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Lines)
    if (-not $Lines) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, ''); return }
    foreach ($l in $Lines) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, $l) }
}

function Write-MamlDescription {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Lines)
    $Writer.WriteStartElement('maml', 'description', $script:MamlNs)
    Write-MamlPara $Writer $Lines
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, $Info, $InSet, [string[]] $Description, [string] $DefaultValue, [bool] $ForSyntax)
    $Writer.WriteStartElement('command', 'parameter', $script:CommandNs)
    $Writer.WriteAttributeString('required', "$($InSet.IsMandatory)".ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', "$([bool]$InSet.IsArray)".ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', "$($Info.SupportsWildcards)".ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Format-PipelineInput $InSet.ValueFromPipeline $InSet.ValueFromPipelineByPropertyName))
    $Writer.WriteAttributeString('position', $(if ($null -eq $InSet.Position) { 'named' } else { "$($InSet.Position)" }))
    $Writer.WriteAttributeString('aliases', $(if (@($Info.Aliases).Count) { @($Info.Aliases) -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Info.Name)
    Write-MamlDescription $Writer $Description
    if (-not ($Info.IsSwitch -and $ForSyntax)) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
        $Writer.WriteAttributeString('required', $(if ($Info.IsSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', "$([bool]$InSet.IsArray)".ToLowerInvariant())
        $Writer.WriteString($Info.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $script:DevNs)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Info.Type)
    $Writer.WriteElementString('maml', 'uri', $script:MamlNs, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $script:DevNs, $DefaultValue)
    $Writer.WriteEndElement()
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, $Page, $Command)
    $Writer.WriteStartElement('command', 'command', $script:CommandNs)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNs)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $script:CommandNs)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $script:DevNs)
    $Writer.WriteAttributeString('xmlns', 'MSHelp', $null, 'http://msdn.microsoft.com/mshelp')

    $Writer.WriteStartElement('command', 'details', $script:CommandNs)
    $Writer.WriteElementString('command', 'name', $script:CommandNs, $Command.Name)
    $Writer.WriteElementString('command', 'verb', $script:CommandNs, $Command.Verb)
    $Writer.WriteElementString('command', 'noun', $script:CommandNs, $Command.Noun)
    Write-MamlDescription $Writer @(Format-InlineMarkdown $Page.Synopsis)
    $Writer.WriteEndElement()

    Write-MamlDescription $Writer @(ConvertTo-TextLine $Page.Description)

    $docParams = @{}
    foreach ($p in $Page.Parameters) { $docParams[$p.Name] = $p }
    $warned = @{}
    $describe = {
        param($name)
        if ($docParams.ContainsKey($name)) { @(ConvertTo-TextLine $docParams[$name].Description) }
        elseif ($name -eq 'WhatIf') { $script:WhatIfDescription }
        elseif ($name -eq 'Confirm') { $script:ConfirmDescription }
        else {
            if (-not $warned[$name]) { Write-Warning "$($Command.Name): parameter -$name is not documented in $(Split-Path $Page.Path -Leaf)." }
            $warned[$name] = $true
            @()
        }
    }
    $default = {
        param($name)
        $d = if ($docParams.ContainsKey($name)) { $docParams[$name].Yaml[0]['Default value'] }
        if ($d) { $d } else { 'None' }
    }
    foreach ($doc in $Page.Parameters | Where-Object { $_.Name -notin @($Command.Parameters | ForEach-Object Name) }) {
        Write-Warning "$($Command.Name): $(Split-Path $Page.Path -Leaf) documents -$($doc.Name), which the cmdlet does not have; left out of the help."
    }

    $Writer.WriteStartElement('command', 'syntax', $script:CommandNs)
    $sets = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $script:CommandNs)
        $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Command.Name)
        foreach ($p in Get-DisplayOrder $set.Parameters) {
            $info = $Command.Parameters | Where-Object Name -eq $p.Name
            Write-MamlParameter $Writer $info $p (& $describe $p.Name) (& $default $p.Name) $true
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $script:CommandNs)
    # ForEach-Object, not .Name: a cmdlet with no parameters of its own (Get-IpForward) has empty lists, and
    # member access on an empty array fails under Set-StrictMode.
    $documented = @($Page.Parameters | ForEach-Object Name)
    $real = @($Command.Parameters | ForEach-Object Name)
    $order = @($documented | Where-Object { $_ -in $real }) + @($real | Where-Object { $_ -notin $documented })
    foreach ($name in $order) {
        $info = $Command.Parameters | Where-Object Name -eq $name
        $inSet = $sets | ForEach-Object { $_.Parameters | Where-Object Name -eq $name } | Select-Object -First 1
        Write-MamlParameter $Writer $info $inSet (& $describe $name) (& $default $name) $false
    }
    $Writer.WriteEndElement()

    foreach ($kind in @(@{ Outer = 'inputTypes'; Inner = 'inputType'; Items = $Page.Inputs }, @{ Outer = 'returnValues'; Inner = 'returnValue'; Items = $Page.Outputs })) {
        $Writer.WriteStartElement('command', $kind.Outer, $script:CommandNs)
        foreach ($item in $kind.Items) {
            $Writer.WriteStartElement('command', $kind.Inner, $script:CommandNs)
            $Writer.WriteStartElement('dev', 'type', $script:DevNs)
            $Writer.WriteElementString('maml', 'name', $script:MamlNs, $item.Type)
            $Writer.WriteEndElement()
            Write-MamlDescription $Writer @(ConvertTo-TextLine $item.Description)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('maml', 'alertSet', $script:MamlNs)
    $Writer.WriteStartElement('maml', 'alert', $script:MamlNs)
    Write-MamlPara $Writer @(ConvertTo-TextLine $Page.Notes)
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $script:CommandNs)
    foreach ($ex in $Page.Examples) {
        $Writer.WriteStartElement('command', 'example', $script:CommandNs)
        $Writer.WriteElementString('maml', 'title', $script:MamlNs, "--------- Example $($ex.Number): $($ex.Title) ---------")
        $Writer.WriteElementString('dev', 'code', $script:DevNs, $ex.Display)
        $Writer.WriteStartElement('dev', 'remarks', $script:DevNs)
        # The empty last paragraph keeps a blank line between one example's remarks and the next title.
        Write-MamlPara $Writer (@(ConvertTo-TextLine $ex.Remarks) + '')
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $script:CommandNs)
    foreach ($link in $Page.RelatedLinks) {
        $Writer.WriteStartElement('maml', 'navigationLink', $script:MamlNs)
        $Writer.WriteElementString('maml', 'linkText', $script:MamlNs, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $script:MamlNs, $(if ($link.Uri -match '^https?://') { $link.Uri } else { '' }))
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

#endregion

#region About topics

function Format-WrappedText {
    param([string] $Text, [int] $Indent, [int] $HangingIndent = $Indent, [int] $Width = 80)
    $line = ' ' * $Indent
    $start = $true
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if (-not $start -and $line.Length + 1 + $word.Length -gt $Width) {
            $line
            $line = (' ' * $HangingIndent) + $word
        } else {
            $line += $(if ($start) { '' } else { ' ' }) + $word
        }
        $start = $false
    }
    $line
}

function ConvertTo-AboutHelpText {
    <#
    .SYNOPSIS
        Turns an about topic in markdown (# about_X, ## SHORT DESCRIPTION, ## LONG DESCRIPTION, ...) into the
        .help.txt layout Get-Help reads: TOPIC, section titles in capitals, text indented and wrapped at 80 columns.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $Path)
    $where = Split-Path $Path -Leaf
    $blocks = ConvertFrom-MarkdownBlock @(Get-Content -LiteralPath $Path)
    $headings = @($blocks | Where-Object Kind -eq 'heading')
    if (-not $headings -or $headings[0].Level -ne 1 -or $headings[0].Text -notmatch '^about_\w+$') { throw "${where}: an about topic starts with '# about_Name'." }
    if (-not ($headings | Where-Object { $_.Level -eq 2 -and $_.Text -eq 'SHORT DESCRIPTION' })) { throw "${where}: an about topic needs '## SHORT DESCRIPTION'." }
    $out = [System.Collections.Generic.List[string]]::new()
    foreach ($b in $blocks) {
        switch ($b.Kind) {
            'heading' {
                if ($out.Count) { $out.Add('') }
                switch ($b.Level) {
                    1 { $out.Add('TOPIC'); $out.Add("    $($b.Text)") }
                    2 { $out.Add($b.Text.ToUpperInvariant()) }
                    default { $out.Add("  $($b.Text)") }
                }
            }
            'para' { $out.Add(''); Format-WrappedText (Format-InlineMarkdown $b.Text) 4 | ForEach-Object { $out.Add($_) } }
            'list' {
                $out.Add('')
                foreach ($item in $b.Items) {
                    $marker = ($item -split ' ', 2)[0]
                    Format-WrappedText (Format-InlineMarkdown $item) 4 (5 + $marker.Length) | ForEach-Object { $out.Add($_) }
                }
            }
            'code' { $out.Add(''); $b.Lines | ForEach-Object { $out.Add(('        ' + $_).TrimEnd()) } }
            'table' { $out.Add(''); Format-TextTable $b.Rows | ForEach-Object { $out.Add('    ' + $_) } }
        }
    }
    # The synopsis line Get-Help shows for the topic is the text right under SHORT DESCRIPTION: no blank line before it.
    $text = ($out -join "`n") -replace '(?m)^SHORT DESCRIPTION\n\n', "SHORT DESCRIPTION`n"
    $text.TrimStart("`n") + "`n"
}

#endregion

function Build-ModuleHelp {
    <#
    .SYNOPSIS
        Writes <OutputPath>/<help file> (MAML) for every exported cmdlet that has a page in DocsPath, and
        <OutputPath>/about_*.help.txt for every about_*.md. A cmdlet without a page gets a warning.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $ModuleManifest,
        [Parameter(Mandatory)][string] $DocsPath,
        [Parameter(Mandatory)][string] $OutputPath
    )
    $commands = @(Get-CmdletHelpMetadata -ModuleManifest $ModuleManifest)
    $moduleName = [IO.Path]::GetFileNameWithoutExtension($ModuleManifest)
    New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
    $byFile = [ordered]@{}
    foreach ($cmd in $commands) {
        $path = Join-Path $DocsPath "$($cmd.Name).md"
        if (-not (Test-Path -LiteralPath $path)) {
            Write-Warning "$($cmd.Name) has no doc page ($path): Get-Help shows only its syntax. Start one with New-MarkdownHelpPage."
            continue
        }
        $page = Read-MarkdownHelp -Path $path
        if ($page.Name -ne $cmd.Name) { throw "$(Split-Path $path -Leaf): its heading is '# $($page.Name)', not '# $($cmd.Name)'." }
        if ($page.ModuleName -ne $moduleName) { throw "$(Split-Path $path -Leaf): 'Module Name: $($page.ModuleName)' should be '$moduleName'." }
        if (-not $page.ExternalHelpFile) { throw "$(Split-Path $path -Leaf): the front matter lacks 'external help file'." }
        if (-not $byFile.Contains($page.ExternalHelpFile)) { $byFile[$page.ExternalHelpFile] = [System.Collections.Generic.List[object]]::new() }
        $byFile[$page.ExternalHelpFile].Add(@($page, $cmd))
    }
    foreach ($file in $byFile.Keys) {
        $target = Join-Path $OutputPath $file
        $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
        $writer = [System.Xml.XmlWriter]::Create($target, $settings)
        try {
            $writer.WriteStartDocument()
            $writer.WriteStartElement('helpItems', 'http://msh')
            $writer.WriteAttributeString('schema', 'maml')
            foreach ($pair in $byFile[$file]) { Write-MamlCommand $writer $pair[0] $pair[1] }
            $writer.WriteEndElement()
            $writer.WriteEndDocument()
        } finally {
            $writer.Dispose()
        }
        Get-Item -LiteralPath $target
    }
    foreach ($about in Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md') {
        $target = Join-Path $OutputPath ($about.BaseName + '.help.txt')
        Set-Content -LiteralPath $target -Value (ConvertTo-AboutHelpText -Path $about.FullName) -NoNewline -Encoding utf8NoBOM
        Get-Item -LiteralPath $target
    }
}

Export-ModuleMember -Function Get-CmdletHelpMetadata, Read-MarkdownHelp, Get-SyntaxText, Get-ParameterYaml, New-MarkdownHelpPage, ConvertTo-AboutHelpText, Build-ModuleHelp
