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

    public int Errno { get; }
}

/// <summary>
/// An rtnetlink socket bound to the network namespace it was created in: requests and dumps without
/// spawning `ip`. Not thread-safe; one per namespace per operation.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    private const ushort MessageError = 2;
    private const ushort MessageDone = 3;
    private const ushort FlagCapped = 0x100;
    private const ushort FlagAckTlvs = 0x200;
    private const ushort ErrorAttributeMessage = 1;

    private readonly FileDescriptor _fd;
    private readonly byte[] _buffer = new byte[1 << 16];
    private uint _sequence;

    private NetlinkSocket(FileDescriptor fd) => _fd = fd;

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static NetlinkSocket Open()
    {
        var fd = Libc.Socket(NetlinkNative.AfNetlink, Libc.SockRaw | Libc.SockCloExec, NetlinkNative.NetlinkRoute);
        if (fd < 0)
        {
            throw new NetlinkException(Libc.LastError, null);
        }
        var handle = new FileDescriptor(fd);
        var address = new NetlinkNative.SockAddrNl { Family = NetlinkNative.AfNetlink };
        if (NetlinkNative.Bind(fd, ref address, 12) != 0)
        {
            var errno = Libc.LastError;
            handle.Dispose();
            throw new NetlinkException(errno, null);
        }
        // Extended ACK: the kernel explains refusals in words ("Nexthop has invalid gateway"), as iproute2 shows them.
        var on = 1;
        NetlinkNative.SetSockOpt(fd, NetlinkNative.SolNetlink, NetlinkNative.NetlinkExtAck, ref on, 4);
        return new NetlinkSocket(handle);
    }

    /// <summary>Sends a request with ACK and waits for it; throws <see cref="NetlinkException"/> on refusal.</summary>
    public void Execute(NetlinkMessage message) => Exchange(message, collect: null);

    /// <summary>Sends a request and returns the payloads of the reply messages (one for a get, many for a dump).</summary>
    public List<(ushort Type, byte[] Payload)> Query(NetlinkMessage message)
    {
        var replies = new List<(ushort, byte[])>();
        Exchange(message, replies);
        return replies;
    }

    private void Exchange(NetlinkMessage message, List<(ushort, byte[])>? collect)
    {
        var sequence = ++_sequence;
        var request = message.ToArray(sequence);
        if (Libc.Send(_fd.Value, request, (nuint)request.Length, 0) < 0)
        {
            throw new NetlinkException(Libc.LastError, null);
        }
        var dump = (message.Flags & NetlinkMessage.FlagDump) == NetlinkMessage.FlagDump;
        while (true)
        {
            var received = (int)Libc.Receive(_fd.Value, _buffer, (nuint)_buffer.Length, 0);
            if (received < 0)
            {
                var errno = Libc.LastError;
                if (errno == Libc.EIntr)
                {
                    continue;
                }
                throw new NetlinkException(errno, null);
            }
            var offset = 0;
            while (offset + NetlinkMessage.HeaderLength <= received)
            {
                var span = _buffer.AsSpan(offset, received - offset);
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[6..]);
                var replySequence = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                if (length < NetlinkMessage.HeaderLength || length > span.Length)
                {
                    throw new NetlinkException(NetlinkNative.EInval, "truncated netlink message");
                }
                var payload = span[NetlinkMessage.HeaderLength..length];
                offset += (length + 3) & ~3;
                if (replySequence != sequence)
                {
                    continue;
                }
                if (type == MessageDone)
                {
                    return;
                }
                if (type == MessageError)
                {
                    var error = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                    if (error == 0)
                    {
                        return;
                    }
                    throw new NetlinkException(error, ExtendedAckMessage(payload, flags));
                }
                collect?.Add((type, payload.ToArray()));
                if (!dump && (flags & NetlinkMessage.FlagMulti) == 0 && (message.Flags & NetlinkMessage.FlagAck) == 0)
                {
                    return;
                }
            }
        }
    }

    private static string? ExtendedAckMessage(ReadOnlySpan<byte> payload, ushort flags)
    {
        if ((flags & FlagAckTlvs) == 0 || payload.Length < 4 + NetlinkMessage.HeaderLength)
        {
            return null;
        }
        var original = payload[4..];
        var skip = (flags & FlagCapped) != 0 ? NetlinkMessage.HeaderLength : (int)BinaryPrimitives.ReadUInt32LittleEndian(original);
        if (4 + skip > payload.Length)
        {
            return null;
        }
        return new NetlinkAttributes(payload[(4 + ((skip + 3) & ~3))..]).String(ErrorAttributeMessage);
    }

    public void Dispose() => _fd.Dispose();
}
