using NetNsPS.Operations;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Internal.Diagnostics;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Commands;

/// <summary>
/// Checks everything the article's setup depends on and says, for each prerequisite, whether it is in place, why it
/// matters and the exact command that repairs it. Host-wide: IP forwarding, the FORWARD chain for each bridge,
/// iptables-legacy and iptables-nft both holding rules, firewalld and ufw, the jumps into NetNsPS's chains. With a
/// namespace: its bridge port, links, addresses, default route and masquerade, and for each published port the DNAT
/// rules, route_localnet, bridge netfilter, the hairpin and localhost masquerades, the guard and hairpin mode.
/// Read-only: it reads /proc/sys, `ip -j`, the firewall through its driver (under nftables every table's base chains
/// of a hook, in priority order) and changes nothing. Rules written by hand or by other
/// tools count when they do the job; Observed says where each was found.
/// `Get-NsDiagnostic red | Where-Object Status -ne Ok` lists what to fix.
/// </summary>
[Cmdlet(VerbsCommon.Get, "NsDiagnostic")]
[OutputType(typeof(NsDiagnostic))]
public sealed class GetNsDiagnosticCommand : NetNsCmdlet
{
    private HostFacts? _host;
    private bool _hostWritten;

    /// <summary>The namespaces to check besides the host; takes names, NetNamespace objects (their Name) and Get-NsPort output from the pipeline.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>Check only this published port (of the namespace, or of whichever namespace it is published to).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.PublishedPortCompleter))]
    public ushort? ExternalPort { get; set; }

    protected override void Begin()
    {
        if (!Privileges.CanReadFirewall())
        {
            throw new NetNsException("Get-NsDiagnostic reads the firewall (iptables-save), which needs root: run pwsh as root (sudo pwsh).",
                "RootRequired", ErrorCategory.PermissionDenied, "Get-NsDiagnostic");
        }
    }

    protected override void Process() => ForEachItemOrNone(Namespace, Diagnose);

    /// <summary>Checks one namespace of -Namespace (null: the host only).</summary>
    private void Diagnose(string? item)
    {
        var ns = string.IsNullOrEmpty(item) ? null : Names.Namespace(item, nameof(Namespace));
        if (ns is not null && !State.NamespaceExists(ns))
        {
            throw Errors.NamespaceNotFound(ns);
        }
        var reader = new DiagnosticReader(Runner, State, Firewall, CancellationToken);
        _host ??= reader.ReadHost();
        WriteHostChecks();

        IEnumerable<string> namespaces;
        if (ns is not null)
        {
            namespaces = new[] { ns };
        }
        else if (ExternalPort is { } port)
        {
            namespaces = NamespacesPublishing(_host, port);
            if (!namespaces.Any())
            {
                WriteObject(new NsDiagnostic
                {
                    Check = NamespaceChecks.PortCheck(port),
                    Status = NsDiagnosticStatus.Failed,
                    Observed = $"no rule publishes port {port} to a namespace",
                    Why = $"Nothing forwards port {port} of the host to a namespace, so connections to it are refused or reach another service.",
                    Fix = Fixes.Cmdlet("Publish-NsPort", "<namespace>", ("InternalPort", "<port the service listens on>"), ("ExternalPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                });
                return;
            }
        }
        else
        {
            return;
        }
        foreach (var name in namespaces)
        {
            var facts = reader.ReadNamespace(name);
            WriteObject(NamespaceChecks.All(_host, facts, ExternalPort), enumerateCollection: true);
            WriteObject(Ipv6Checks.All(_host, facts, ExternalPort), enumerateCollection: true);
        }
    }

    protected override void End() => WriteHostChecks();

    /// <summary>The host-wide checks, once per call, before the first namespace's.</summary>
    private void WriteHostChecks()
    {
        if (_hostWritten)
        {
            return;
        }
        _hostWritten = true;
        _host ??= new DiagnosticReader(Runner, State, Firewall, CancellationToken).ReadHost();
        WriteObject(HostChecks.All(_host), enumerateCollection: true);
    }

    /// <summary>The namespaces a port is published to: by NetNsPS's rules, or by a DNAT rule of anyone to a namespace's address.</summary>
    private static IEnumerable<string> NamespacesPublishing(HostFacts h, ushort port)
    {
        var byModule = NatRules.ReadPorts(h.Firewall).Select(p => p.Mapping).OfType<NsPortMapping>().Where(m => m.ExternalPort == port).Select(m => m.Namespace);
        var byHand = h.Firewall.Ruleset.AllRules
            .Where(r => r.Table == "nat" && r.Target == "DNAT" && r.DestinationPort == port)
            .Select(r => DnatTarget.Parse(r.ToDestination)).OfType<DnatTarget>().Select(t => t.Address)
            .SelectMany(address => h.NamespaceLinks.Where(kv => kv.Value.Any(l => l.Addresses.Any(a => a.Address.Equals(address)))).Select(kv => kv.Key));
        return byModule.Concat(byHand).Distinct().ToList();
    }
}
