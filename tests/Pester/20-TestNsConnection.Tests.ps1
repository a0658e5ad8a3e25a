# Test-NsConnection: ping and TCP tests made by this process from inside a namespace (setns + sockets),
# checked against tools that are not ours (iputils ping and curl through ip netns exec).
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
}

Describe 'Test-NsConnection on the article setup' {
    BeforeAll {
        Reset-Sandbox
        New-ArticleSetup
        # A web server in blue, like a service in a container; its PID is python's (ip netns exec execs in place).
        $script:listener = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', 'blue', 'python3', '-m', 'http.server', '8000', '--bind', '192.168.15.3' `
            -RedirectStandardOutput (Join-Path $TestDrive 'http.out') -RedirectStandardError (Join-Path $TestDrive 'http.err') -PassThru
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        do {
            Start-Sleep -Milliseconds 200
            & ip netns exec red curl -s -o /dev/null -m 1 http://192.168.15.3:8000/
        } while ($LASTEXITCODE -ne 0 -and [DateTime]::UtcNow -lt $deadline -and -not $script:listener.HasExited)
        if ($LASTEXITCODE -ne 0) { throw "The test web server in blue did not come up: $(Get-Content (Join-Path $TestDrive 'http.err') -Raw)" }

        function Measure-Seconds([scriptblock] $Script) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $null = & $Script
            $watch.Elapsed.TotalSeconds
        }
    }

    AfterAll {
        if ($script:listener) {
            Stop-Process -Id $script:listener.Id -Force -ErrorAction SilentlyContinue
            Wait-Process -Id $script:listener.Id -Timeout 10 -ErrorAction SilentlyContinue
        }
        Reset-Sandbox
    }

    It 'red reaches blue by ping, and iputils ping agrees' {
        $result = Test-NsConnection -Namespace red -ComputerName 192.168.15.3
        $result | Should -BeOfType NetNsPS.NsConnectionTestResult
        $result.Namespace | Should -Be 'red'
        $result.ComputerName | Should -Be '192.168.15.3'
        $result.RemoteAddress | Should -Be '192.168.15.3'
        $result.SourceAddress | Should -Be '192.168.15.2'
        $result.PingSucceeded | Should -BeTrue
        $result.PingRoundTripTime | Should -BeGreaterThan 0
        $result.RemotePort | Should -BeNullOrEmpty
        $result.TcpTestSucceeded | Should -BeNullOrEmpty
        Test-Ping -Namespace red -Target 192.168.15.3 | Should -BeTrue
    }

    It 'a listening port: TcpTestSucceeded is True, and curl agrees' {
        $result = Test-NsConnection -Namespace red 192.168.15.3 -Port 8000
        $result.TcpTestSucceeded | Should -BeTrue
        $result.PingSucceeded | Should -BeTrue
        $result.RemotePort | Should -Be 8000
        $result.SourceAddress | Should -Be '192.168.15.2'
        & ip netns exec red curl -s -o /dev/null -w '%{http_code}' -m 2 http://192.168.15.3:8000/ | Should -Be '200'
    }

    It 'a closed port: False at once (refused), not after the timeout, and curl agrees' {
        $seconds = Measure-Seconds { $script:closed = Test-NsConnection -Namespace red 192.168.15.3 -Port 8001 -TimeoutSeconds 5 }
        $script:closed.TcpTestSucceeded | Should -BeFalse
        $script:closed.PingSucceeded | Should -BeTrue
        $seconds | Should -BeLessThan 3
        & ip netns exec red curl -s -o /dev/null -m 2 http://192.168.15.3:8001/
        $LASTEXITCODE | Should -Be 7   # curl: failed to connect
    }

    It 'an unreachable address: False for ping and TCP within the timeout, and iputils ping agrees' {
        $timeout = 2
        $seconds = Measure-Seconds { $script:lost = Test-NsConnection -Namespace red 192.168.15.99 -Port 8000 -TimeoutSeconds $timeout }
        $script:lost.PingSucceeded | Should -BeFalse
        $script:lost.TcpTestSucceeded | Should -BeFalse
        $script:lost.PingRoundTripTime | Should -BeNullOrEmpty
        $script:lost.SourceAddress | Should -Be '192.168.15.2'   # there is a route; nobody answers on it
        $seconds | Should -BeLessThan ($timeout + 2)
        Test-Ping -Namespace red -Target 192.168.15.99 | Should -BeFalse
    }

    It 'no route at all: False at once, no SourceAddress' {
        $seconds = Measure-Seconds { $script:noRoute = Test-NsConnection -Namespace red 198.51.100.7 -Port 80 -TimeoutSeconds 5 }
        $script:noRoute.PingSucceeded | Should -BeFalse
        $script:noRoute.TcpTestSucceeded | Should -BeFalse
        $script:noRoute.SourceAddress | Should -BeNullOrEmpty
        $seconds | Should -BeLessThan 3
    }

    It 'a missing namespace is a NamespaceNotFound error, with no output' {
        $out = Test-NsConnection -Namespace nowhere 192.168.15.3 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NamespaceNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "*'nowhere'*New-NetNamespace nowhere*"
    }

    It 'an invalid address is an InvalidIPAddress error; the valid names of the same call are still tested' {
        $out = Test-NsConnection -Namespace red 'blue.local', 192.168.15.3 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidIPAddress*'
        $out.RemoteAddress | Should -Be '192.168.15.3'
    }

    It '-InformationLevel Quiet returns one bool: the TCP result with -Port, else the ping result' {
        $ping = Test-NsConnection -Namespace red 192.168.15.3 -InformationLevel Quiet
        $ping | Should -BeOfType bool
        $ping | Should -BeTrue
        $tcp = Test-NsConnection -Namespace red 192.168.15.3 -Port 8001 -InformationLevel Quiet
        $tcp | Should -BeOfType bool
        $tcp | Should -BeFalse
    }

    It 'several targets at once: one result each, in order, tested in parallel' {
        $targets = '192.168.15.97', '192.168.15.1', '192.168.15.98', 'localhost', '192.168.15.99', '192.168.15.3'
        $seconds = Measure-Seconds { $script:many = Test-NsConnection -Namespace red $targets -TimeoutSeconds 2 }
        $script:many.ComputerName | Should -Be $targets
        $script:many.PingSucceeded | Should -Be @($false, $true, $false, $true, $false, $true)
        ($script:many | Where-Object ComputerName -eq localhost).RemoteAddress | Should -Be '127.0.0.1'
        $seconds | Should -BeLessThan 4   # one after the other, the three silent ones alone would take 6 s
    }

    It 'takes NetNamespace objects from the pipeline (Get-NetNamespace | Test-NsConnection)' {
        $results = Get-NetNamespace red, blue | Test-NsConnection -ComputerName 192.168.15.1
        $results.Namespace | Should -Be @('red', 'blue')
        $results.SourceAddress | Should -Be @('192.168.15.2', '192.168.15.3')
        $results.PingSucceeded | Should -Be @($true, $true)
    }

    It 'without -Namespace tests from the host: bridge0 reaches red, and iputils ping agrees' {
        $result = Test-NsConnection 192.168.15.2
        $result.Namespace | Should -BeNullOrEmpty
        $result.SourceAddress | Should -Be '192.168.15.1'
        $result.PingSucceeded | Should -BeTrue
        Test-Ping -Target 192.168.15.2 | Should -BeTrue
    }

    It 'uses a ping socket where net.ipv4.ping_group_range allows it, a raw socket otherwise' {
        (& ip netns exec red sysctl -n net.ipv4.ping_group_range) -replace '\s+', ' ' | Should -Be '1 0'
        $raw = Test-NsConnection -Namespace red 192.168.15.3 -Verbose 4>&1
        ($raw | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "From namespace 'red' to 192.168.15.3: ICMP echo over a raw socket (SOCK_RAW)."
        ($raw | Where-Object { $_ -is [NetNsPS.NsConnectionTestResult] }).PingSucceeded | Should -BeTrue

        Invoke-Checked ip netns exec blue sysctl 'net.ipv4.ping_group_range=0 2147483647' | Out-Null
        $dgram = Test-NsConnection -Namespace blue 192.168.15.2 -Verbose 4>&1
        ($dgram | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "From namespace 'blue' to 192.168.15.2: ICMP echo over a ping socket (SOCK_DGRAM)."
        ($dgram | Where-Object { $_ -is [NetNsPS.NsConnectionTestResult] }).PingSucceeded | Should -BeTrue
        Invoke-Checked ip netns exec blue sysctl 'net.ipv4.ping_group_range=1 0' | Out-Null
    }

    It 'leaves no thread of this process inside the namespace, neither while waiting nor after' {
        $red = "net:[$(& stat -L -c %i /run/netns/red)]"
        # Text, not a script block: a script block stays bound to the runspace it was made in.
        $countThreadsIn = @'
param($Namespace, $TaskDirectory = '/proc/self/task')
@(Get-ChildItem $TaskDirectory -ErrorAction SilentlyContinue | Where-Object {
    (Get-Item "$($_.FullName)/ns/net" -ErrorAction SilentlyContinue).LinkTarget -eq $Namespace }).Count
'@
        $count = [scriptblock]::Create($countThreadsIn)
        # The detector does see a task in red: a process started there by ip netns exec.
        $sleeper = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', 'red', 'sleep', '10' -PassThru
        try {
            $seen = $false
            $until = [DateTime]::UtcNow.AddSeconds(5)
            while (-not $seen -and [DateTime]::UtcNow -lt $until) { $seen = (& $count $red "/proc/$($sleeper.Id)/task") -eq 1; Start-Sleep -Milliseconds 20 }
            $seen | Should -BeTrue
        } finally {
            Stop-Process -Id $sleeper.Id -Force -ErrorAction SilentlyContinue
        }

        $watcher = Start-ThreadJob -ScriptBlock {
            param($CountText, $Namespace)
            $count = [scriptblock]::Create($CountText)
            $most = 0
            $until = [DateTime]::UtcNow.AddSeconds(2)
            while ([DateTime]::UtcNow -lt $until) { $most = [Math]::Max($most, (& $count $Namespace)); Start-Sleep -Milliseconds 20 }
            $most
        } -ArgumentList $countThreadsIn, $red
        Test-NsConnection -Namespace red (90..105 | ForEach-Object { "192.168.15.$_" }) -TimeoutSeconds 2 | Should -HaveCount 16
        $watcher | Receive-Job -Wait -AutoRemoveJob | Should -Be 0
        & $count $red | Should -Be 0
    }

    It 'Stop (Ctrl+C) ends a long wait promptly' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:NETNSPS_TEST_MODULE'; Test-NsConnection -Namespace red 192.168.15.99 -Port 8000 -TimeoutSeconds 60")
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 500
        $seconds = Measure-Seconds { $ps.Stop() }
        $async.IsCompleted | Should -BeTrue
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $seconds | Should -BeLessThan 2
        $ps.Dispose()
    }

    It 'without CAP_SYS_ADMIN, entering a namespace is a PermissionDenied error; the host still works' {
        $exe = [Environment]::ProcessPath
        $prefix = @(if ((Split-Path $exe -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $script = @"
Import-Module '$env:NETNSPS_TEST_MODULE'
Test-NsConnection -Namespace red 192.168.15.3 -ErrorVariable e -ErrorAction SilentlyContinue
'error=' + `$e[0].FullyQualifiedErrorId + '|' + `$e[0].CategoryInfo.Category
'host=' + (Test-NsConnection 192.168.15.2 -InformationLevel Quiet)
"@
        $out = & setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin -- $exe @prefix -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" }
        $out | Should -Contain 'error=NamespaceEntryDenied,NetNsPS.Commands.TestNsConnectionCommand|PermissionDenied'
        $out | Should -Contain 'host=True'
    }
}
