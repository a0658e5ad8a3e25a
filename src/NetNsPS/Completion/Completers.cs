using System.Collections.Generic;
using System.Linq;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Completion;

/// <summary>Named network namespaces (-Namespace, and -Name of Get-/Remove-NetNamespace): read from /run/netns, no process, no socket.</summary>
public sealed class NamespaceCompleter : LiveCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionContext context) =>
        LiveState.Namespaces().Select(n => new Candidate(n, $"Network namespace {n} ({NetState.NamespacePath(n)})"));
}

/// <summary>The host's bridges (-Bridge, and -Name of Get-/Remove-NetBridge): one rtnetlink dump of the host.</summary>
public sealed class BridgeCompleter : LiveCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionContext context)
    {
        using var state = new LiveState();
        return state.Links(null).Where(l => l.IsBridge).Select(l => new Candidate(l.Name, $"{l.Name}: {LiveState.Describe(l)}")).ToList();
    }
}

/// <summary>
/// Interfaces of the namespace already typed with -Namespace (the host's when there is none): one rtnetlink
/// dump per namespace. The loopback is offered only once a prefix is typed (-InterfaceName l), since it is
/// rarely what an address or route goes on.
/// </summary>
public sealed class InterfaceCompleter : LiveCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionContext context)
    {
        using var state = new LiveState();
        var result = new List<Candidate>();
        foreach (var ns in LiveState.NamespacesOrHost(context))
        {
            var where = ns is null ? "on the host" : $"in namespace {ns}";
            foreach (var link in state.Links(ns))
            {
                if (link.Name == "lo" && context.Prefix.Length == 0)
                {
                    continue;
                }
                result.Add(new Candidate(link.Name, $"{link.Name} {where}: {LiveState.Describe(link)}"));
            }
        }
        return result;
    }
}

/// <summary>Veth ends inside namespaces (-Name of Get-/Remove-VethPair): those of -Namespace when typed, else of every namespace.</summary>
public sealed class VethNameCompleter : LiveCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionContext context)
    {
        using var state = new LiveState();
        var result = new List<Candidate>();
        foreach (var ns in LiveState.ScopedNamespaces(context, allWhenNone: true) ?? new List<string>())
        {
            foreach (var link in state.Links(ns).Where(l => l.IsVeth))
            {
                result.Add(new Candidate(link.Name, $"{link.Name} in namespace {ns}: {LiveState.Describe(link)}"));
            }
        }
        return result;
    }
}

/// <summary>Ports of the host's bridges (-InterfaceName/-PeerName of Set-BridgeHairpin), with their hairpin mode.</summary>
public sealed class BridgePortCompleter : LiveCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionContext context)
    {
        using var state = new LiveState();
        return state.Links(null)
            .Where(l => l.SlaveKind == "bridge" && l.Master is not null)
            .Select(l => new Candidate(l.Name, $"{l.Name}: port of {l.Master}, hairpin {(l.Hairpin == true ? "on" : "off")}"))
            .ToList();
    }
}

/// <summary>
/// IPv4 addresses (-IPAddress of Get-/Remove-NsIPAddress) of the namespace typed with -Namespace (the host's
/// when there is none), narrowed to -InterfaceName when typed.
/// </summary>
public sealed class IPAddressCompleter : LiveCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionContext context)
    {
        using var state = new LiveState();
        var devices = context.Bound("InterfaceName");
        var result = new List<Candidate>();
        foreach (var ns in LiveState.NamespacesOrHost(context))
        {
            var where = ns is null ? "on the host" : $"in namespace {ns}";
            foreach (var link in state.Links(ns).Where(l => devices.Count == 0 || devices.Contains(l.Name)))
            {
                result.AddRange(link.GlobalAddresses.Select(a => new Candidate(a.Address.ToString(), $"{a.Cidr} on {link.Name} {where}")));
            }
        }
        return result;
    }
}

/// <summary>
/// Published host ports (-ExternalPort of Get-NsPort and Unpublish-NsPort), read from the module's firewall
/// rules with one read of the firewall, narrowed to -Protocol and -Namespace when typed.
/// </summary>
public sealed class PublishedPortCompleter : LiveCompleter
{
    protected override bool NumericValues => true;

    protected override IEnumerable<Candidate> Candidates(CompletionContext context)
    {
        using var state = new LiveState();
        var protocols = context.Bound("Protocol");
        var namespaces = context.Bound("Namespace").Select(n => new System.Management.Automation.WildcardPattern(n, System.Management.Automation.WildcardOptions.IgnoreCase)).ToList();
        var snapshot = FirewallDrivers.Current.Read(ProcessRunner.Instance, state.Token);
        return NatRules.ReadPorts(snapshot)
            .Select(p => p.Listed).OfType<NsPortMapping>()
            .Where(m => protocols.Count == 0 || protocols.Any(p => string.Equals(p, m.Protocol.ToString(), System.StringComparison.OrdinalIgnoreCase)))
            .Where(m => namespaces.Count == 0 || namespaces.Any(n => n.IsMatch(m.Namespace)))
            .GroupBy(m => m.ExternalPort)
            .Select(g => new Candidate(g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join("; ", g.Select(m => m.ToString()))))
            .ToList();
    }
}
