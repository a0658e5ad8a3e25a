using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Tests reachability from a namespace or the host, like Windows' Test-NetConnection: one ICMP echo and, with
/// -Port, one TCP connect. This process makes the sockets inside the namespace itself (setns on a thread of its
/// own; no ping, no curl). All targets, from parameters and pipeline input, are tested together, up to 16 at a
/// time, each within -TimeoutSeconds; results come in input order once all are done.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "NsConnection")]
[OutputType(typeof(NsConnectionTestResult), typeof(bool))]
public sealed class TestNsConnectionCommand : NetNsCmdlet
{
    /// <summary>How many probes (each on a thread of its own) run at once.</summary>
    public const int MaxParallelProbes = 16;

    private readonly List<Target> _targets = new();

    /// <summary>The namespaces to test from; without it, the host (the network namespace this pwsh runs in). Binds the Name of NetNamespace objects and the Namespace of other objects from the pipeline.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>IPv4 or IPv6 addresses to test (ICMP or ICMPv6 echo, TCP over either family); 'localhost' means 127.0.0.1. Other host names are not resolved (no DNS query leaves the machine).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("RemoteAddress", "IPAddress")]
    [AllowEmptyString]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    /// <summary>A TCP port to connect to as well; without it, only the ping is tested.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("RemotePort")]
    [PortNumber]
    public ushort? Port { get; set; }

    /// <summary>How long each target may take to answer, in seconds (1 to 60; default 2). A closed port answers at once.</summary>
    [Parameter]
    [ValidateRange(1, 60)]
    public int TimeoutSeconds { get; set; } = 2;

    /// <summary>Detailed (default) writes an NsConnectionTestResult per target; Quiet writes one bool per target: the TCP result with -Port, else the ping result.</summary>
    [Parameter]
    [ValidateSet("Detailed", "Quiet")]
    public string InformationLevel { get; set; } = "Detailed";

    /// <summary>'localhost' is 127.0.0.1 in every namespace; anything else must be an IPv4 address.</summary>
    internal static IPAddress ResolveComputerName(string name) =>
        string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IpPrefix.ParseAddress(name, nameof(ComputerName));

    protected override void Process() => ForEachItemOrNone(Namespace, TestFrom);

    /// <summary>Queues the targets for one namespace of -Namespace (null: the host).</summary>
    private void TestFrom(string? item)
    {
        var ns = string.IsNullOrEmpty(item) ? null : Names.Namespace(item, nameof(Namespace));
        if (ns is not null)
        {
            RequireNamespace(ns);
        }
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
        foreach (var name in ComputerName)
        {
            try
            {
                _targets.Add(new Target(name, new ConnectionProbeRequest(ns, ResolveComputerName(name), Port, timeout)));
            }
            catch (NetNsException e)
            {
                // One bad name must not keep the others of the same record from being tested.
                WriteError(e.ToErrorRecord());
            }
        }
    }

    protected override void End()
    {
        if (_targets.Count == 0)
        {
            return;
        }
        WriteVerbose($"Testing {_targets.Count} target(s), up to {MaxParallelProbes} at a time, each within {TimeoutSeconds} s.");
        var results = DedicatedThreads.Run(_targets, t => ConnectionProbe.Run(t.Probe, CancellationToken), MaxParallelProbes, CancellationToken);
        for (var i = 0; i < results.Count; i++)
        {
            var target = _targets[i];
            var (outcome, error) = results[i];
            if (error is OperationCanceledException)
            {
                throw error;
            }
            if (error is not null || outcome is null)
            {
                WriteError(AsUserError(error, target).ToErrorRecord());
                continue;
            }
            Report(target, outcome);
        }
    }

    private void Report(Target target, ConnectionProbeOutcome outcome)
    {
        var route = $"From {Errors.Where(target.Probe.Namespace)} to {target.Probe.Address}";
        if (outcome.IcmpUnavailableReason is { } reason)
        {
            WriteWarning($"{route}: {reason}");
        }
        else
        {
            var socket = outcome.IcmpSocket == IcmpSocketKind.PingSocket ? "a ping socket (SOCK_DGRAM)" : "a raw socket (SOCK_RAW)";
            WriteVerbose($"{route}: ICMP echo over {socket}.");
        }
        if (InformationLevel == "Quiet")
        {
            WriteObject(outcome.TcpSucceeded ?? outcome.PingSucceeded);
            return;
        }
        WriteObject(ModelFactory.ConnectionTest(target.ComputerName, target.Probe, outcome));
    }

    /// <summary>A NetNsException as it is; anything else keeps its message but never its stack trace.</summary>
    private static NetNsException AsUserError(Exception? error, Target target) => error as NetNsException ?? new NetNsException(
        $"Testing {target.ComputerName} from {Errors.Where(target.Probe.Namespace)} failed: {error?.Message}",
        "ConnectionTestFailed", ErrorCategory.InvalidOperation, target.ComputerName, error);

    private sealed record Target(string ComputerName, ConnectionProbeRequest Probe);
}
