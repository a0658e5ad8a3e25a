# A UDP flow that keeps running while its mapping moves: wan sends a datagram every 50 ms from one fixed source port
# to the host's published port. UDP has no end of connection, so its conntrack entry (and the old DNAT in it) lives as
# long as the flow does (containernetworking/plugins#123); Unpublish-NsPort and Publish-NsPort delete the host port's
# stale entries, as CNI's portmap does, so after a republish from red to blue the very same flow reaches blue.
BeforeAll {
    Import-Module $env:NETNSPS_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Assert-Sandbox

    function Start-UdpSink([string] $Namespace) {
        # Appends one line per datagram received on UDP 5353 to a file; returns the process and the file.
        $log = "/tmp/netnsps-udp-$Namespace.log"
        Remove-Item $log -ErrorAction SilentlyContinue
        $script = "/tmp/netnsps-udp-sink-$Namespace.py"
        Set-Content $script "import socket`ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)`ns.bind(('0.0.0.0',5353))`nwhile True:`n    d,a=s.recvfrom(100)`n    f=open('$log','a'); f.write(a[0]+'\n'); f.close()"
        $p = Start-Process ip -ArgumentList 'netns', 'exec', $Namespace, 'python3', $script -PassThru -RedirectStandardError "$log.err"
        [pscustomobject]@{ Process = $p; Log = $log }
    }

    function Get-Received($Sink) { @(Get-Content $Sink.Log -ErrorAction SilentlyContinue).Count }
}

Describe 'A running UDP flow across a republish' {
    BeforeAll {
        Reset-Sandbox
        New-Wan
        New-ArticleSetup
        'red', 'blue' | ForEach-Object { Add-NsRoute -Namespace $_ -NextHop 192.168.15.1 | Out-Null }
        Enable-IpForward | Out-Null
        $script:red = Start-UdpSink red
        $script:blue = Start-UdpSink blue
        Publish-NsPort red -Protocol Udp -InternalPort 5353 -ExternalPort 5353 | Out-Null
        $send = '/tmp/netnsps-udp-sender.py'
        Set-Content $send "import socket,time`ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)`ns.bind(('198.51.100.1',40000))`nwhile True:`n    s.sendto(b'x',('198.51.100.2',5353)); time.sleep(0.05)"
        $script:sender = Start-Process ip -ArgumentList 'netns', 'exec', 'wan', 'python3', $send -PassThru -RedirectStandardError /tmp/netnsps-udp-sender.err
    }
    AfterAll {
        foreach ($p in $script:sender, $script:red.Process, $script:blue.Process) { if ($p) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue } }
    }

    It 'the flow reaches red, and -WhatIf of the unpublish shows the conntrack deletion' {
        foreach ($i in 1..40) { if ((Get-Received $script:red) -ge 5) { break }; Start-Sleep -Milliseconds 100 }
        Get-Received $script:red | Should -BeGreaterOrEqual 5
        $whatIf = @(Invoke-ChildPwsh 'Unpublish-NsPort -ExternalPort 5353 -Protocol Udp -WhatIf' | Where-Object { $_ -like 'What if:*conntrack*' })
        $whatIf | Should -Be @('What if: conntrack -D -p udp --orig-port-dst 5353')
        if (Get-Command conntrack -ErrorAction SilentlyContinue) {
            # The flow's entry, its reply side from red (the DNAT it keeps), as conntrack(8) shows it where installed.
            (& conntrack -L -p udp --orig-port-dst 5353 2>$null) -join "`n" | Should -BeLike '*sport=40000 dport=5353 *src=192.168.15.2 dst=198.51.100.1*'
        }
    }

    It 'after Unpublish-NsPort and Publish-NsPort to blue, the same flow (same source port) reaches blue, not red' {
        Unpublish-NsPort -ExternalPort 5353 -Protocol Udp
        Publish-NsPort blue -Protocol Udp -InternalPort 5353 -ExternalPort 5353 | Out-Null
        $redThen = Get-Received $script:red
        foreach ($i in 1..30) { if ((Get-Received $script:blue) -ge 5) { break }; Start-Sleep -Milliseconds 100 }
        Get-Received $script:blue | Should -BeGreaterOrEqual 5
        # Red gets nothing more (a datagram or two in flight at the switch at most).
        (Get-Received $script:red) - $redThen | Should -BeLessOrEqual 2
        # wan's own address and port, untouched: the flow that ran before.
        (Get-Content $script:blue.Log -First 1) | Should -Be '198.51.100.1'
    }
}
