using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace NetNsPS.Linux.Netlink;

/// <summary>The kernel's answer to a request that failed: its errno and, with extended ACK, its own words.</summary>
internal sealed class NetlinkException : Exception
{
    public NetlinkException(int errno, string? kernelMessage)
        : base(kernelMessage is null ? $"RTNETLINK answers: {Libc.ErrorText(errno)}" : $"Error: {kernelMessage}.")
    {
        Errno = errno;
    }

    private NetlinkException(string message, int errno) : base(message) => Errno = errno;

    public int Errno { get; }

    /// <summary>A dump that the kernel marked NLM_F_DUMP_INTR on every one of <paramref name="attempts"/> tries.</summary>
    public static NetlinkException DumpInterrupted(ushort type, int attempts) => new(
        $"Dump was interrupted and may be inconsistent: {NetlinkSocket.TypeName(type)} was tried {attempts} times and the kernel's "
        + "state changed during every one (NLM_F_DUMP_INTR); try again when the changes have settled.", Libc.EIntr);
}

/// <summary>Where a socket's datagrams come from and go to: the kernel, or bytes a test feeds in.</summary>
internal interface INetlinkTransport : IDisposable
{
    void Send(byte[] request);

    /// <summary>Receives one datagram into <paramref name="buffer"/>; returns its length and the sender's port id (0: the kernel).</summary>
    int Receive(byte[] buffer, out uint senderPortId);
}

/// <summary>
/// An rtnetlink socket bound to the network namespace it was created in: requests and dumps without
/// spawning `ip`. Not thread-safe; one per namespace per operation.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    /// <summary>How often a dump the kernel marks NLM_F_DUMP_INTR is tried in all (as CNI's netlinksafe and moby's nlwrap do).</summary>
    public const int DumpAttempts = 5;

    private readonly INetlinkTransport _transport;
    private readonly byte[] _buffer = new byte[1 << 16];
    private uint _sequence;

    /// <summary>A socket over any transport; <see cref="Open"/> gives one over the kernel.</summary>
    internal NetlinkSocket(INetlinkTransport transport, bool strictCheck = false)
    {
        _transport = transport;
        StrictCheck = strictCheck;
    }

    /// <summary>
    /// True when the kernel accepted NETLINK_GET_STRICT_CHK (Linux 4.20 and later): it then checks GET requests
    /// strictly and filters dumps by the header's fields (an address dump by ifa_index). Readers filter as well.
    /// </summary>
    public bool StrictCheck { get; }

    /// <summary>Dumps that had to be started again because the kernel marked them interrupted.</summary>
    public int InterruptedDumps { get; private set; }

    /// <summary>Datagrams dropped because they did not come from the kernel (sender port id not 0).</summary>
    public int ForeignMessages { get; private set; }

    /// <summary>Opens a socket of that netlink protocol (rtnetlink unless told) in the calling thread's network namespace.</summary>
    public static NetlinkSocket Open(int protocol = Uapi.NETLINK_ROUTE)
    {
        var transport = KernelTransport.Open(protocol, out var strict);
        return new NetlinkSocket(transport, strict);
    }

    /// <summary>Sends a request with ACK and waits for it; throws <see cref="NetlinkException"/> on refusal.</summary>
    public void Execute(NetlinkMessage message) => Exchange(message, collect: null);

    /// <summary>
    /// Sends a request and returns the payloads of the reply messages (one for a get, many for a dump). A dump the
    /// kernel marks interrupted (it raced with a change) is read to its end, dropped and started again, up to
    /// <see cref="DumpAttempts"/> times in all.
    /// </summary>
    public List<(ushort Type, byte[] Payload)> Query(NetlinkMessage message)
    {
        var replies = new List<(ushort, byte[])>();
        Exchange(message, replies);
        return replies;
    }

    /// <summary>
    /// Sends nf_tables messages as one batch, one transaction: NFNL_MSG_BATCH_BEGIN, the messages (each asking for an
    /// ACK), NFNL_MSG_BATCH_END, in one datagram, and waits for the kernel's answer to each. Throws the first refusal;
    /// then nothing of the batch was committed. A refusal of the batch as a whole (ERESTART: the generation it was
    /// built at is gone; a failed commit) comes back on its begin message.
    /// </summary>
    public void Batch(NetlinkMessage begin, IReadOnlyList<NetlinkMessage> messages, NetlinkMessage end)
    {
        var first = ++_sequence;
        var datagram = new List<byte>(begin.ToArray(first));
        var pending = new HashSet<uint>();
        foreach (var message in messages)
        {
            var sequence = ++_sequence;
            pending.Add(sequence);
            datagram.AddRange(message.ToArray(sequence));
        }
        datagram.AddRange(end.ToArray(++_sequence));
        _transport.Send(datagram.ToArray());
        NetlinkException? refused = null;
        while (pending.Count > 0)
        {
            var reply = _buffer.AsSpan(0, ReceiveFromKernel());
            for (var offset = 0; NextMessage(reply, offset, out offset, out var type, out var flags, out var sequence, out var payload);)
            {
                if (type != Uapi.NLMSG_ERROR || payload.Length < 4)
                {
                    continue;
                }
                var error = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                if (sequence == first && error != 0)
                {
                    throw new NetlinkException(error, ExtendedAckMessage(payload, flags));
                }
                if (pending.Remove(sequence) && error != 0)
                {
                    refused ??= new NetlinkException(error, ExtendedAckMessage(payload, flags));
                }
            }
        }
        if (refused is not null)
        {
            throw refused;
        }
    }

    private void Exchange(NetlinkMessage message, List<(ushort, byte[])>? collect)
    {
        var dump = (message.Flags & Uapi.NLM_F_DUMP) == Uapi.NLM_F_DUMP;
        for (var attempt = 1; ; attempt++)
        {
            collect?.Clear();
            if (!ExchangeOnce(message, collect, dump))
            {
                return;
            }
            InterruptedDumps++;
            if (attempt >= DumpAttempts)
            {
                throw NetlinkException.DumpInterrupted(message.Type, attempt);
            }
        }
    }

    /// <summary>One request and its replies; true when it was a dump and the kernel marked any of its messages interrupted.</summary>
    private bool ExchangeOnce(NetlinkMessage message, List<(ushort, byte[])>? collect, bool dump)
    {
        var sequence = ++_sequence;
        _transport.Send(message.ToArray(sequence));
        var interrupted = false;
        while (true)
        {
            var reply = _buffer.AsSpan(0, ReceiveFromKernel());
            for (var offset = 0; NextMessage(reply, offset, out offset, out var type, out var flags, out var replySequence, out var payload);)
            {
                if (replySequence != sequence)
                {
                    // A late answer to an earlier request (one abandoned by an exception): not ours.
                    continue;
                }
                if (dump && (flags & Uapi.NLM_F_DUMP_INTR) != 0)
                {
                    interrupted = true;
                }
                if (type == Uapi.NLMSG_DONE)
                {
                    return interrupted;
                }
                if (type == Uapi.NLMSG_ERROR)
                {
                    if (payload.Length < 4)
                    {
                        throw new NetlinkException(Uapi.EINVAL, "truncated netlink error message");
                    }
                    var error = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                    if (error == 0)
                    {
                        return interrupted;
                    }
                    throw new NetlinkException(error, ExtendedAckMessage(payload, flags));
                }
                if (type == Uapi.NLMSG_NOOP)
                {
                    continue;
                }
                if (!interrupted)
                {
                    collect?.Add((type, payload.ToArray()));
                }
                if (!dump && (flags & Uapi.NLM_F_MULTI) == 0 && (message.Flags & Uapi.NLM_F_ACK) == 0)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>The next datagram from the kernel, into the buffer; its length. Any process can send to our port id: only the kernel answers requests.</summary>
    private int ReceiveFromKernel()
    {
        while (true)
        {
            var received = _transport.Receive(_buffer, out var sender);
            if (sender == 0)
            {
                return received;
            }
            ForeignMessages++;
        }
    }

    /// <summary>The netlink message at <paramref name="offset"/> of a datagram, its header read, and where the next starts; false at the datagram's end.</summary>
    private static bool NextMessage(ReadOnlySpan<byte> datagram, int offset, out int next, out ushort type, out ushort flags, out uint sequence, out ReadOnlySpan<byte> payload)
    {
        next = offset;
        type = flags = 0;
        sequence = 0;
        payload = default;
        if (offset + Uapi.NLMSG_HDRLEN > datagram.Length)
        {
            return false;
        }
        var span = datagram[offset..];
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
        if (length < Uapi.NLMSG_HDRLEN || length > span.Length)
        {
            throw new NetlinkException(Uapi.EINVAL, "truncated netlink message");
        }
        type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
        flags = BinaryPrimitives.ReadUInt16LittleEndian(span[6..]);
        sequence = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        payload = span[Uapi.NLMSG_HDRLEN..length];
        next = offset + NetlinkAttributes.Align(length);
        return true;
    }

    private static string? ExtendedAckMessage(ReadOnlySpan<byte> payload, ushort flags)
    {
        if ((flags & Uapi.NLM_F_ACK_TLVS) == 0 || payload.Length < 4 + Uapi.NLMSG_HDRLEN)
        {
            return null;
        }
        var original = payload[4..];
        var skip = (flags & Uapi.NLM_F_CAPPED) != 0 ? Uapi.NLMSG_HDRLEN : (int)BinaryPrimitives.ReadUInt32LittleEndian(original);
        if (4 + skip > payload.Length)
        {
            return null;
        }
        return new NetlinkAttributes(payload[(4 + NetlinkAttributes.Align(skip))..]).String(Uapi.NLMSGERR_ATTR_MSG);
    }

    /// <summary>A request type by its uapi name, for messages.</summary>
    public static string TypeName(ushort type) => type switch
    {
        Uapi.RTM_NEWLINK => nameof(Uapi.RTM_NEWLINK),
        Uapi.RTM_DELLINK => nameof(Uapi.RTM_DELLINK),
        Uapi.RTM_GETLINK => nameof(Uapi.RTM_GETLINK),
        Uapi.RTM_NEWADDR => nameof(Uapi.RTM_NEWADDR),
        Uapi.RTM_DELADDR => nameof(Uapi.RTM_DELADDR),
        Uapi.RTM_GETADDR => nameof(Uapi.RTM_GETADDR),
        Uapi.RTM_NEWROUTE => nameof(Uapi.RTM_NEWROUTE),
        Uapi.RTM_DELROUTE => nameof(Uapi.RTM_DELROUTE),
        Uapi.RTM_GETROUTE => nameof(Uapi.RTM_GETROUTE),
        _ => "netlink message type " + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public void Dispose() => _transport.Dispose();

    /// <summary>A netlink socket (NETLINK_ROUTE, or NETLINK_NETFILTER): send(2), and recvfrom(2) with the sender's sockaddr_nl.</summary>
    private sealed class KernelTransport : INetlinkTransport
    {
        private readonly FileDescriptor _fd;

        private KernelTransport(FileDescriptor fd) => _fd = fd;

        public static KernelTransport Open(int protocol, out bool strictCheck)
        {
            var fd = Libc.Socket(Uapi.AF_NETLINK, Libc.SockRaw | Libc.SockCloExec, protocol);
            if (fd < 0)
            {
                throw new NetlinkException(Libc.LastError, null);
            }
            var handle = new FileDescriptor(fd);
            var address = new NetlinkNative.SockAddrNl { Family = Uapi.AF_NETLINK };
            if (NetlinkNative.Bind(fd, ref address, Uapi.SIZEOF_SOCKADDR_NL) != 0)
            {
                var errno = Libc.LastError;
                handle.Dispose();
                throw new NetlinkException(errno, null);
            }
            // Extended ACK: the kernel explains refusals in words ("Nexthop has invalid gateway"), as iproute2 shows them.
            var on = 1;
            NetlinkNative.SetSockOpt(fd, Uapi.SOL_NETLINK, Uapi.NETLINK_EXT_ACK, ref on, sizeof(int));
            // Strict checking (4.20+): dumps honour the header's filters; an older kernel refuses the option and dumps everything.
            strictCheck = NetlinkNative.SetSockOpt(fd, Uapi.SOL_NETLINK, Uapi.NETLINK_GET_STRICT_CHK, ref on, sizeof(int)) == 0;
            return new KernelTransport(handle);
        }

        public void Send(byte[] request)
        {
            while (Libc.Send(_fd.Value, request, (nuint)request.Length, 0) < 0)
            {
                var errno = Libc.LastError;
                if (errno != Libc.EIntr)
                {
                    throw new NetlinkException(errno, null);
                }
            }
        }

        public int Receive(byte[] buffer, out uint senderPortId)
        {
            while (true)
            {
                var from = new NetlinkNative.SockAddrNl();
                var length = (uint)Uapi.SIZEOF_SOCKADDR_NL;
                var received = (int)NetlinkNative.ReceiveFrom(_fd.Value, buffer, (nuint)buffer.Length, 0, ref from, ref length);
                if (received < 0)
                {
                    var errno = Libc.LastError;
                    if (errno == Libc.EIntr)
                    {
                        continue;
                    }
                    throw new NetlinkException(errno, null);
                }
                senderPortId = from.Pid;
                return received;
            }
        }

        public void Dispose() => _fd.Dispose();
    }
}
