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
    public static (string Namespace, LinkRecord Inside)? FromHostEnd(ISystemView state, LinkRecord hostEnd) =>
        PeerOf(state, null, hostEnd) is ({ } ns, var inside) ? (ns, inside) : null;

    /// <summary>
    /// The other end of a veth in <paramref name="ns"/> whose peer lives in another namespace: searched in every other named
    /// namespace (by the peer's interface index, both ways), then on the host. Null when it is not such a veth.
    /// </summary>
    /// <remarks>
    /// Interface indexes are per namespace, so two links between fresh namespaces may show the same pair of indexes; the
    /// first namespace (sorted by name) whose link matches both ways is taken.
    /// </remarks>
    public static (string? Namespace, LinkRecord End)? PeerOf(ISystemView state, string? ns, LinkRecord end)
    {
        if (!end.IsVeth || end.PeerNetnsId is null || end.PeerIndex is null)
        {
            return null;
        }
        foreach (var other in state.NamespaceNames().Where(n => n != ns))
        {
            var peer = state.Links(other).FirstOrDefault(l => end.IsPairedWith(l, acrossNamespaces: true));
            if (peer is not null)
            {
                return (other, peer);
            }
        }
        return ns is not null && HostEnd(state, end) is { } host ? (null, host) : null;
    }
}
