using System;

namespace NetNsPS.Linux.Netlink;

/// <summary>
/// The process's NETLINK_NETFILTER socket, opened once and kept open: the generation reads, the iptables driver's
/// in-process rule deletions and the conntrack cleanups share it. Kept because closing one is not free: when a
/// netfilter netlink socket is released, nf_tables first flushes the destruction of what earlier transactions deleted
/// (nft_rcv_nl_event at NETLINK_URELEASE), which waits for an RCU grace period, about 15 ms here, whenever a rule was
/// deleted just before. Every iptables process that deletes a rule pays that at its exit; this socket pays it once, when
/// the process ends. It lives in the process's network namespace, which every cmdlet thread is in.
/// </summary>
internal static class NetfilterSocket
{
    private static readonly object Gate = new();
    private static NetlinkSocket? _socket;

    /// <summary>Runs <paramref name="use"/> on the socket, one caller at a time; a socket the kernel refused (no nf_tables yet) is opened again next time.</summary>
    public static T Use<T>(Func<NetlinkSocket, T> use)
    {
        lock (Gate)
        {
            _socket ??= NetlinkSocket.Open(Uapi.NETLINK_NETFILTER);
            try
            {
                return use(_socket);
            }
            catch (NetlinkException)
            {
                _socket.Dispose();
                _socket = null;
                throw;
            }
        }
    }
}
