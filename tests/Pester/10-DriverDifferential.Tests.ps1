# The two firewall drivers side by side: the whole article built through the cmdlets under each, the same
# reachability matrix measured with tools that are not ours (curl, ping), and each teardown back to pristine.
BeforeDiscovery {
    Import-Module $env:NETNSPS_TEST_MODULE
    $drivers = @((Get-NetNsPSOption).AvailableFirewallDrivers)
}

BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox
    $script:saved = $env:NETNSPS_FIREWALL

    function Test-Reach {
        # One cell of the matrix: $true when the client gets red's page (or the ping answers).
        param([string] $From, [string] $Url, [string] $Ping)
        if ($Ping) {
            if ($From) { & ip netns exec $From ping -c 1 -W 1 $Ping *> $null } else { & ping -c 1 -W 1 $Ping *> $null }
            return $LASTEXITCODE -eq 0
        }
        (Get-Page -Namespace $From -Url $Url) -eq 'hello from red'
    }

    function Get-Matrix {
        [ordered]@{
            'wan -> host:8080 (another machine)'     = Test-Reach -From wan -Url 'http://198.51.100.2:8080/'
            'host -> localhost:8080'                 = Test-Reach -Url 'http://localhost:8080/'
            'host -> 192.168.15.1:8080'              = Test-Reach -Url 'http://192.168.15.1:8080/'
            'blue -> 192.168.15.1:8080 (sibling)'    = Test-Reach -From blue -Url 'http://192.168.15.1:8080/'
            'red -> 192.168.15.1:8080 (hairpin)'     = Test-Reach -From red -Url 'http://192.168.15.1:8080/'
            'red -> wan (masquerade)'                = Test-Reach -From red -Ping 198.51.100.1
            'red -> blue'                            = Test-Reach -From red -Ping 192.168.15.3
            'host -> red'                            = Test-Reach -Ping 192.168.15.2
            'wan -> host:8081 (not published)'       = Test-Reach -From wan -Url 'http://198.51.100.2:8081/'
            'wan -> 192.168.15.2:80 (via the host)'  = Test-Reach -From wan -Url 'http://192.168.15.2:80/'
        }
    }

    $script:matrices = @{}
}

AfterAll { $env:NETNSPS_FIREWALL = $script:saved }

Describe 'The article under the <_> driver' -ForEach $drivers {
    BeforeAll {
        $driver = $_
        Set-NetNsPSOption -FirewallDriver $driver
        Reset-Sandbox
        New-Wan
        & ip -n wan route add default via 198.51.100.2
        $script:pristine = Get-FirewallDump
        Invoke-ArticleSetup | Out-Null
        $script:web = Start-NsWebServer -Namespace red -Port 80
        $script:matrices[$driver] = Get-Matrix
    }
    AfterAll {
        if ($script:web) { Stop-Process -Id $script:web.Id -ErrorAction SilentlyContinue }
    }

    It 'reaches the published port every way, and nothing it should not' {
        $m = $script:matrices[$_]
        $wrong = @($m.Keys | Where-Object { $m[$_] -ne ($_ -notmatch 'not published') })
        $wrong | Should -BeNullOrEmpty -Because "under $_ every cell but the closed ones answers"
    }

    It 'tears down to the pristine firewall through the cmdlets' {
        Remove-ArticleSetup
        Get-FirewallDump | Should -Be $script:pristine
    }
}

Describe 'Both drivers' {
    It 'give the same reachability matrix' -Skip:($drivers.Count -lt 2) {
        $names = @($script:matrices.Keys | Sort-Object)
        $names.Count | Should -Be 2
        $a = $script:matrices[$names[0]]; $b = $script:matrices[$names[1]]
        ($a.Keys | ForEach-Object { "$_ = $($a[$_])" }) -join "`n" | Should -Be (($b.Keys | ForEach-Object { "$_ = $($b[$_])" }) -join "`n")
    }
}
