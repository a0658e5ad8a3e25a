# Errors raised inside Invoke-NsSandbox point at the caller's own script block: the line, the column, the line's
# text and the script stack trace name where in the block (in this file) the error was raised, not the
# Invoke-NsSandbox call; the caller's frames follow.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Find-Line {
        # The line number and column in this file of the first line that contains the text, after the given line.
        param([string] $Text, [int] $After = 0)
        $lines = Get-Content $PSCommandPath
        for ($i = $After; $i -lt $lines.Count; $i++) {
            $at = $lines[$i].IndexOf($Text)
            if ($at -ge 0) { return [pscustomobject]@{ Line = $i + 1; Column = $at + 1 } }
        }
        throw "'$Text' is not in $PSCommandPath"
    }
}

Describe 'Errors from inside Invoke-NsSandbox' {
    It 'a non-terminating error names its line and column in the script block, and the line' {
        $errors = @()
        $out = Invoke-NsSandbox -ErrorVariable errors -ErrorAction SilentlyContinue {
            'before'
            Write-Error 'boom one in the sandbox'
            'after'
        }
        $out | Should -Be 'before', 'after'
        $errors | Should -HaveCount 1
        $at = Find-Line "Write-Error 'boom one in the sandbox'"
        $info = $errors[0].InvocationInfo
        $info.ScriptName | Should -Be $PSCommandPath
        $info.ScriptLineNumber | Should -Be $at.Line
        $info.OffsetInLine | Should -Be $at.Column
        $info.Line.Trim() | Should -Be "Write-Error 'boom one in the sandbox'"
        "$($errors[0])" | Should -Be 'boom one in the sandbox'
        $errors[0].Exception.OriginalErrorId | Should -Be 'Microsoft.PowerShell.Commands.WriteErrorException'
    }

    It 'the script stack trace starts at that line, then the frames that called Invoke-NsSandbox' {
        $errors = @()
        Invoke-NsSandbox -ErrorVariable errors -ErrorAction SilentlyContinue {
            function Get-Broken { Write-Error 'boom two in a function' }
            Get-Broken
        } | Out-Null
        $inner = Find-Line "function Get-Broken { Write-Error 'boom two in a function' }"
        $call = Find-Line '            Get-Broken' -After $inner.Line
        $caller = Find-Line 'Invoke-NsSandbox -ErrorVariable errors -ErrorAction SilentlyContinue {' -After ($inner.Line - 3)
        $frames = @($errors[0].ScriptStackTrace -split "`n")
        $frames[0] | Should -Be "at Get-Broken, ${PSCommandPath}: line $($inner.Line)"
        $frames[1] | Should -Be "at <ScriptBlock>, ${PSCommandPath}: line $($call.Line)"
        # Then at once this test's own frame, where Invoke-NsSandbox was called: the sandbox's bootstrap is no frame.
        $frames[2] | Should -Be "at <ScriptBlock>, ${PSCommandPath}: line $($caller.Line)"
    }

    It 'a terminating error (throw) names its line, and the error view shows that line' {
        $errors = @()
        Invoke-NsSandbox -ErrorVariable errors -ErrorAction SilentlyContinue {
            'first'
            throw 'fatal three in the sandbox'
        } | Out-Null
        $errors | Should -HaveCount 1
        $at = Find-Line "throw 'fatal three in the sandbox'"
        $errors[0].InvocationInfo.ScriptLineNumber | Should -Be $at.Line
        $errors[0].InvocationInfo.OffsetInLine | Should -Be $at.Column
        $shown = $errors[0] | Out-String -Width 200
        $shown | Should -Match ([regex]::Escape("${PSCommandPath}:$($at.Line)"))
        $shown | Should -Match ([regex]::Escape("throw 'fatal three in the sandbox'"))
        $shown | Should -Not -Match 'Invoke-NsSandbox -ErrorVariable' -Because 'the view shows the block''s line, not the call'
    }

    It 'an error of a NetNsPS cmdlet inside names the cmdlet and its line' {
        $errors = @()
        Invoke-NsSandbox -ErrorVariable errors -ErrorAction SilentlyContinue {
            New-NetNamespace red | Out-Null
            Add-NsRoute -Namespace no-such-namespace -NextHop 192.168.15.1
        } | Out-Null
        $at = Find-Line 'Add-NsRoute -Namespace no-such-namespace -NextHop 192.168.15.1'
        $errors | Should -HaveCount 1
        $errors[0].InvocationInfo.MyCommand.Name | Should -Be 'Add-NsRoute'
        $errors[0].InvocationInfo.ScriptLineNumber | Should -Be $at.Line
        $errors[0].Exception.OriginalErrorId | Should -Match 'NamespaceNotFound'
    }

    It 'a block made from a string, with no file, counts lines from its own start' {
        $errors = @()
        Invoke-NsSandbox -ErrorVariable errors -ErrorAction SilentlyContinue ([scriptblock]::Create("'one'`n'two'`nWrite-Error 'boom four'")) | Out-Null
        $errors[0].InvocationInfo.ScriptName | Should -BeNullOrEmpty
        $errors[0].InvocationInfo.ScriptLineNumber | Should -Be 3
        $errors[0].InvocationInfo.OffsetInLine | Should -Be 1
        $errors[0].InvocationInfo.Line | Should -Be "Write-Error 'boom four'"
    }

    It 'a block that starts mid-line keeps its columns' {
        $errors = @()
        Invoke-NsSandbox -ErrorVariable errors -ErrorAction SilentlyContinue { Write-Error 'boom five' } | Out-Null
        $at = Find-Line "{ Write-Error 'boom five' }"
        $errors[0].InvocationInfo.ScriptLineNumber | Should -Be $at.Line
        $errors[0].InvocationInfo.OffsetInLine | Should -Be ($at.Column + 2)
    }
}
