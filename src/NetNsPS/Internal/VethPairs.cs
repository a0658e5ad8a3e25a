using NetNsPS.Operations;
using System.Linq;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>Finds the two ends of veth pairs across the host and the named namespaces.</summary>
internal static class VethPairs
{
    /// <summary>The host end of a namespace's veth, or null: one lookup by the peer's interface index, never a dump of the host.</summary>
    public static LinkRecord? HostEnd(ISystemView state, LinkRecord inside) =>
        inside.IsVeth && inside.PeerIndex is { } peer && state.LinkByIndex(null, peer) is { } h && inside.IsPairedWith(h, acrossNamespaces: true) ? h : null;

    /// <summary>The namespace and inner end of a veth whose host end is given, or null when it is not a namespace's veth.</summary>
    public static (string Namespace, LinkRecord Inside)? FromHostEnd(ISystemView state, LinkRecord hostEnd)
    {
        if (!hostEnd.IsVeth || hostEnd.PeerNetnsId is null)
        {
            return null;
        }
        foreach (var ns in state.NamespaceNames())
        {
            var inside = state.Links(ns).FirstOrDefault(l => hostEnd.IsPairedWith(l, acrossNamespaces: true));
            if (inside is not null)
            {
                return (ns, inside);
            }
        }
        return null;
    }
}
