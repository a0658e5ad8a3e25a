using System;
using System.Buffers.Binary;

namespace NetNsPS.Linux.Netlink;

/// <summary>
/// The nf_tables ruleset generation of a network namespace: a counter the kernel bumps with every committed
/// transaction, whoever makes it (nft, libnftables, iptables-nft, firewalld). One NFT_MSG_GETGEN request over a
/// NETLINK_NETFILTER socket, as `nft` itself asks before it trusts its cache: some microseconds, whatever the size of
/// the ruleset. Equal generations mean an unchanged ruleset; both firewall drivers trust a known state by it.
/// </summary>
internal sealed class NftGeneration : IDisposable
{
    private readonly NetlinkSocket _socket;

    private NftGeneration(NetlinkSocket socket) => _socket = socket;

    /// <summary>A reader on a socket of the calling thread's network namespace.</summary>
    public static NftGeneration Open() => new(NetlinkSocket.Open(Uapi.NETLINK_NETFILTER));

    /// <summary>For tests: a reader over any transport.</summary>
    internal static NftGeneration Over(INetlinkTransport transport) => new(new NetlinkSocket(transport));

    /// <summary>The message type of a request of the nf_tables subsystem.</summary>
    internal static ushort MessageType(int message) => (ushort)((Uapi.NFNL_SUBSYS_NFTABLES << 8) | message);

    /// <summary>The generation now; throws <see cref="NetlinkException"/> when the kernel refuses (no nf_tables).</summary>
    public uint Read() => Read(_socket);

    /// <summary>The generation now, asked over any NETLINK_NETFILTER socket (<see cref="NetfilterSocket"/>).</summary>
    public static uint Read(NetlinkSocket socket)
    {
        var request = new NetlinkMessage(MessageType(Uapi.NFT_MSG_GETGEN), Uapi.NLM_F_REQUEST, NetlinkMessage.NetfilterHeader(Uapi.AF_UNSPEC));
        foreach (var (type, payload) in socket.Query(request))
        {
            if (type == MessageType(Uapi.NFT_MSG_NEWGEN) && payload.Length >= Uapi.SIZEOF_NFGENMSG)
            {
                var id = new NetlinkAttributes(payload.AsSpan(Uapi.SIZEOF_NFGENMSG)).Get(Uapi.NFTA_GEN_ID, out var found);
                if (found && id.Length >= 4)
                {
                    return BinaryPrimitives.ReadUInt32BigEndian(id);
                }
            }
        }
        throw new NetlinkException(Uapi.EINVAL, "no NFTA_GEN_ID in the kernel's NFT_MSG_NEWGEN reply");
    }

    public void Dispose() => _socket.Dispose();
}
