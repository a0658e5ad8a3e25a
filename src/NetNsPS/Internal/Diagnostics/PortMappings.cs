using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>
/// The published ports as the module's rules name them. Unlike NatRules.ReadPorts (which reads the PREROUTING DNAT
/// rule only), any one of a mapping's rules is enough, so a mapping whose DNAT rule was deleted is still found.
/// </summary>
internal static class PortMappings
{
    /// <summary>netnsps:port:PROTO:EXTIP:EXTPORT:NS:BRIDGE:ROLE</summary>
    public static IEnumerable<NsPortMapping> Read(FirewallSnapshot snapshot)
    {
        var found = new Dictionary<string, NsPortMapping>(StringComparer.Ordinal);
        foreach (var rule in snapshot.AllRules.Where(r => NatRules.IsAnyPortTag(r.Tag)))
        {
            var parts = rule.Tag.Split(':');
            if (parts.Length != 8
                || !Enum.TryParse<NsProtocol>(parts[2], ignoreCase: true, out var protocol)
                || !ushort.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var externalPort))
            {
                continue;
            }
            var key = string.Join(':', parts.Take(7));
            if (found.ContainsKey(key) || Internal(rule) is not { } target)
            {
                continue;
            }
            found[key] = new NsPortMapping
            {
                Protocol = protocol,
                ExternalIPAddress = parts[3],
                ExternalPort = externalPort,
                Namespace = parts[5],
                Bridge = parts[6],
                InternalIPAddress = target.Address,
                InternalPort = target.Port,
            };
        }
        return found.Values;
    }

    /// <summary>True when the tag is one of this mapping's rules.</summary>
    public static bool Owns(NsPortMapping m, string tag) =>
        NatRules.IsPortTagOf(tag, NatRules.PortId(m.Protocol, m.ExternalIPAddress, m.ExternalPort) + m.Namespace + ":" + m.Bridge + ":");

    /// <summary>The namespace's address and port a rule of a mapping points at: DNAT's target, or the hairpin or forward rule's destination.</summary>
    private static (string Address, ushort Port)? Internal(FirewallRule rule)
    {
        if (rule.Action == FirewallAction.Dnat && rule.DnatTo?.Split(':') is [var address, var portText]
            && ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return (address, port);
        }
        if (rule.Action is FirewallAction.Masquerade or FirewallAction.Accept && rule.Destination is { } destination
            && rule.DestinationPort is > 0 and <= ushort.MaxValue)
        {
            return (destination.Replace("/32", "", StringComparison.Ordinal), (ushort)rule.DestinationPort.Value);
        }
        return null;
    }
}
