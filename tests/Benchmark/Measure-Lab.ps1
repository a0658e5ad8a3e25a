<#
.SYNOPSIS
    Deploy-NsLab at scale against the floor, in one sandbox: N namespaces on one bridge (veth, address, default
    route) built from a lab file, then removed, beside the same state built the floor way (one ip -batch on the
    host, one ip -n NS -batch per namespace; see Invoke-Benchmark.ps1) and torn down with one ip -batch.
    Prints the medians of -Rounds rounds and the ratio (target: Deploy-NsLab <= 1.5 x the floor).
    Run inside a sandbox: Invoke-NsSandbox { & ./tests/Benchmark/Measure-Lab.ps1 -N 1000 }.
#>
param([int] $N = 1000, [int] $Rounds = 3)
$ErrorActionPreference = 'Stop'
if (-not [NetNsPS.Linux.Sandbox]::IsInsideSandbox()) { throw 'Run this inside Invoke-NsSandbox.' }
function Address([int] $i) { "10.77.$([math]::Floor($i / 250)).$($i % 250 + 2)" }
function Median([double[]] $v) { $s = @($v | Sort-Object); $s[[math]::Floor($s.Count / 2)] }

$file = Join-Path ([IO.Path]::GetTempPath()) "netnsps-lab-bench-$N.psd1"
$namespaces = foreach ($i in 1..$N) {
    "        @{ Name = 'ns$i'; Bridge = 'br0'; IPAddress = '$(Address $i)/16'; DefaultRoute = '10.77.0.1'; Interface = 'veth-ns$i'; HostInterface = 'veth-ns$i-br' }"
}
Set-Content $file "@{`n    Name = 'bench'`n    Bridges = @( @{ Name = 'br0'; IPAddress = '10.77.0.1/16' } )`n    Namespaces = @(`n$($namespaces -join "`n")`n    )`n}"

$floor = @(); $deploy = @(); $redeploy = @(); $remove = @(); $floorDown = @()
foreach ($r in 1..$Rounds) {
    $floor += (Measure-Command {
            $host_ = [Text.StringBuilder]::new("link add br0 type bridge`nlink set br0 up`naddr add 10.77.0.1/16 dev br0`n")
            foreach ($i in 1..$N) { [void]$host_.Append("netns add ns$i`nlink add veth-ns$i netns ns$i type veth peer name veth-ns$i-br`nlink set veth-ns$i-br master br0`nlink set veth-ns$i-br up`n") }
            $host_.ToString() | & ip -batch -
            foreach ($i in 1..$N) { "link set dev lo up`nlink set veth-ns$i up`naddr add $(Address $i)/16 dev veth-ns$i`nroute add default via 10.77.0.1`n" | & ip -n "ns$i" -batch - }
        }).TotalSeconds
    $floorDown += (Measure-Command { (((1..$N | ForEach-Object { "netns delete ns$_" }) + 'link delete br0') -join "`n") + "`n" | & ip -batch - }).TotalSeconds
    Start-Sleep -Seconds 2
    $deploy += (Measure-Command { Deploy-NsLab $file | Out-Null }).TotalSeconds
    $redeploy += (Measure-Command { Deploy-NsLab $file | Out-Null }).TotalSeconds
    $remove += (Measure-Command { Remove-NsLab bench }).TotalSeconds
    Start-Sleep -Seconds 2
}
$f = Median $floor; $d = Median $deploy
[pscustomobject]@{
    N                 = $N
    'Floor s'         = [math]::Round($f, 2)
    'Deploy s'        = [math]::Round($d, 2)
    'Deploy/Floor'    = [math]::Round($d / $f, 2)
    'Redeploy s'      = [math]::Round((Median $redeploy), 2)
    'Floor down s'    = [math]::Round((Median $floorDown), 2)
    'Remove-NsLab s'  = [math]::Round((Median $remove), 2)
}
