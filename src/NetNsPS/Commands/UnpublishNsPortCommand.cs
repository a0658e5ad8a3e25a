using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Commands;

/// <summary>
/// Removes a published port: exactly that mapping's rules, and the shared ones (localhost masquerade and its
/// guard, route_localnet, hairpin mode) when the last mapping that needs them goes. Already gone is not an error.
/// </summary>
[Cmdlet(VerbsData.Unpublish, "NsPort", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class UnpublishNsPortCommand : NetNsCmdlet
{
    /// <summary>The host port; takes Get-NsPort output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PortNumber]
    public ushort ExternalPort { get; set; }

    /// <summary>Tcp (default) or Udp.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public NsProtocol Protocol { get; set; } = NsProtocol.Tcp;

    /// <summary>Only the mapping on this host address; default: any.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ExternalIPAddress { get; set; }

    /// <summary>Only the mapping to this namespace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Namespace { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var external = ExternalIPAddress is null ? null : Ipv4Cidr.Format(Ipv4Cidr.ParseAddress(ExternalIPAddress, nameof(ExternalIPAddress)));
        var ns = string.IsNullOrEmpty(Namespace) ? null : Names.Namespace(Namespace, nameof(Namespace));
        var snapshot = ReadFirewall();
        var all = NatRules.ReadPorts(snapshot).ToList();
        var gone = all.Where(p => p.Mapping.Protocol == Protocol && p.Mapping.ExternalPort == ExternalPort
            && (external is null || p.Mapping.ExternalIPAddress == external) && (ns is null || p.Mapping.Namespace == ns)).ToList();
        if (gone.Count == 0)
        {
            WriteVerbose($"{Protocol.ToString().ToLowerInvariant()} port {ExternalPort} is not published; nothing to remove.");
            return;
        }
        var remaining = all.Except(gone).Select(p => p.Mapping).ToList();
        var rules = snapshot.Rules.Where(r => gone.Any(p => NatRules.IsPortTagOf(r.Rule.Tag, p.Id))).ToList();
        var plan = new Plan();
        var sharedPlan = new Plan();
        foreach (var bridge in gone.Select(p => p.Mapping.Bridge).Distinct().Where(b => remaining.All(m => m.Bridge != b)))
        {
            rules.AddRange(snapshot.Rules.Where(r => NatRules.IsLocalnetTag(r.Rule.Tag, bridge)));
            var key = Sysctl.RouteLocalnet(bridge);
            if (Sysctl.Read(key) == "1")
            {
                sharedPlan.Add(Sysctl.Write(key, "0"), Sysctl.Write(key, "1"));
            }
        }
        foreach (var (mappingNs, bridge) in gone.Select(p => (p.Mapping.Namespace, p.Mapping.Bridge)).Distinct()
                     .Where(t => remaining.All(m => m.Namespace != t.Namespace)))
        {
            PlanHairpinOff(mappingNs, bridge, sharedPlan);
        }
        Firewall.PlanRemove(snapshot, rules, plan);
        foreach (var step in sharedPlan.Steps)
        {
            plan.Add(step.Command, step.Undo);
        }
        Apply(plan);
    }

    /// <summary>Turns hairpin mode off on the namespace's port of that bridge, if the namespace is still there.</summary>
    private void PlanHairpinOff(string ns, string bridge, Plan plan)
    {
        if (!NetState.NamespaceExists(ns))
        {
            return;
        }
        foreach (var inside in State.Links(ns).Where(l => l.IsVeth))
        {
            if (VethPairs.HostEnd(State, inside) is { Hairpin: true } hostEnd && hostEnd.Master == bridge)
            {
                plan.Add(Ip.SetHairpin(hostEnd.Name, false), Ip.SetHairpin(hostEnd.Name, true));
            }
        }
    }
}
