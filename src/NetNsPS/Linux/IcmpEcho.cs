using System;
using System.Buffers.Binary;

namespace NetNsPS.Linux;

/// <summary>ICMP echo request building and echo reply recognition (RFC 792), independent of any socket.</summary>
public static class IcmpEcho
{
    public const byte EchoReplyType = 0;
    public const byte EchoRequestType = 8;
    public const byte V6EchoRequestType = 128;
    public const byte V6EchoReplyType = 129;
    public const int HeaderLength = 8;

    private const byte IcmpProtocol = 1;

    /// <summary>What ping sends from Windows: 32 bytes of the alphabet, easy to spot in a capture.</summary>
    public static ReadOnlySpan<byte> DefaultPayload => "abcdefghijklmnopqrstuvwabcdefghi"u8;

    /// <summary>An echo request: type 8, code 0, checksum, identifier, sequence number, payload.</summary>
    public static byte[] BuildRequest(ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        var packet = Echo(EchoRequestType, identifier, sequence, payload);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        return packet;
    }

    /// <summary>
    /// An ICMPv6 echo request (RFC 4443): type 128, code 0, identifier, sequence number, payload. The checksum is left
    /// 0: it covers the IPv6 pseudo-header, and the kernel computes it for ping and raw ICMPv6 sockets alike.
    /// </summary>
    public static byte[] BuildV6Request(ushort identifier, ushort sequence, ReadOnlySpan<byte> payload) =>
        Echo(V6EchoRequestType, identifier, sequence, payload);

    /// <summary>An echo message of either family without its checksum: type, code 0, identifier, sequence, payload.</summary>
    private static byte[] Echo(byte type, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[HeaderLength + payload.Length];
        packet[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        payload.CopyTo(packet.AsSpan(HeaderLength));
        return packet;
    }

    /// <summary>
    /// True when <paramref name="packet"/> (an ICMPv6 message, as both socket kinds deliver it) is the echo reply to
    /// our request: type 129, code 0, the same identifier and sequence. The kernel has checked its checksum already.
    /// A raw ICMPv6 socket also sees neighbour discovery and others' replies; those are not.
    /// </summary>
    public static bool IsV6ReplyTo(ReadOnlySpan<byte> packet, ushort identifier, ushort sequence) =>
        packet.Length >= HeaderLength
        && packet[0] == V6EchoReplyType
        && packet[1] == 0
        && BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) == identifier
        && BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) == sequence;

    /// <summary>
    /// The Internet checksum (RFC 1071): one's complement of the one's complement sum of 16-bit words,
    /// an odd last byte padded with zero. Over a packet that carries its checksum the result is 0.
    /// </summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    /// <summary>
    /// True when <paramref name="packet"/> is the echo reply to our request: type 0, code 0, a valid checksum,
    /// the same identifier and sequence number. Everything else (requests, unreachables, others' replies) is not.
    /// A raw socket delivers the IPv4 header first; a ping socket (SOCK_DGRAM) delivers the ICMP message alone.
    /// </summary>
    public static bool IsReplyTo(ReadOnlySpan<byte> packet, bool startsWithIpHeader, ushort identifier, ushort sequence)
    {
        if (startsWithIpHeader)
        {
            if (!TrySkipIpv4Header(packet, out var icmp))
            {
                return false;
            }
            packet = icmp;
        }
        return packet.Length >= HeaderLength
            && packet[0] == EchoReplyType
            && packet[1] == 0
            && Checksum(packet) == 0
            && BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) == identifier
            && BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) == sequence;
    }

    private static bool TrySkipIpv4Header(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (packet.Length < 20 || packet[0] >> 4 != 4 || packet[9] != IcmpProtocol)
        {
            return false;
        }
        var headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < 20 || packet.Length < headerLength)
        {
            return false;
        }
        payload = packet[headerLength..];
        return true;
    }
}
