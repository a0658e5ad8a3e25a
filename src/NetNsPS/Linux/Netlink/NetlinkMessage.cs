using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Text;

namespace NetNsPS.Linux.Netlink;

/// <summary>Builds one rtnetlink request: header, family message, then attributes (nested ones too).</summary>
internal sealed class NetlinkMessage
{
    private readonly List<byte> _bytes = new();
    private readonly Stack<int> _nests = new();

    public NetlinkMessage(ushort type, ushort flags, ReadOnlySpan<byte> familyHeader)
    {
        Type = type;
        Flags = flags;
        _bytes.AddRange(new byte[Uapi.NLMSG_HDRLEN]);
        _bytes.AddRange(familyHeader.ToArray());
        Pad();
    }

    public ushort Type { get; }
    public ushort Flags { get; }

    public NetlinkMessage String(ushort type, string value) => Bytes(type, Encoding.UTF8.GetBytes(value + "\0"));

    public NetlinkMessage U32(ushort type, uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Bytes(type, b);
    }

    public NetlinkMessage U8(ushort type, byte value) => Bytes(type, new[] { value });

    /// <summary>A 32-bit attribute in network byte order (netfilter's: a batch's generation).</summary>
    public NetlinkMessage U32BigEndian(ushort type, uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return Bytes(type, b);
    }

    /// <summary>A 64-bit attribute in network byte order (netfilter's: a rule handle).</summary>
    public NetlinkMessage U64BigEndian(ushort type, ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return Bytes(type, b);
    }

    /// <summary>An IPv4 or IPv6 address attribute (4 or 16 bytes, network byte order).</summary>
    public NetlinkMessage Address(ushort type, IPAddress address) => Bytes(type, address.GetAddressBytes());

    public NetlinkMessage Bytes(ushort type, ReadOnlySpan<byte> value)
    {
        WriteAttributeHeader(type, Uapi.NLA_HDRLEN + value.Length);
        _bytes.AddRange(value.ToArray());
        Pad();
        return this;
    }

    public NetlinkMessage BeginNested(ushort type)
    {
        _nests.Push(_bytes.Count);
        WriteAttributeHeader(type, 0);
        return this;
    }

    /// <summary>A nested block that starts with a fixed header (veth's peer is an ifinfomsg plus attributes).</summary>
    public NetlinkMessage Raw(ReadOnlySpan<byte> value)
    {
        _bytes.AddRange(value.ToArray());
        Pad();
        return this;
    }

    public NetlinkMessage EndNested()
    {
        var start = _nests.Pop();
        var length = (ushort)(_bytes.Count - start);
        _bytes[start] = (byte)length;
        _bytes[start + 1] = (byte)(length >> 8);
        return this;
    }

    public byte[] ToArray(uint sequence)
    {
        var result = _bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(0), (uint)result.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(4), Type);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(6), Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), sequence);
        return result;
    }

    private void WriteAttributeHeader(ushort type, int length)
    {
        _bytes.Add((byte)length);
        _bytes.Add((byte)(length >> 8));
        _bytes.Add((byte)type);
        _bytes.Add((byte)(type >> 8));
    }

    private void Pad()
    {
        while (_bytes.Count % Uapi.NLMSG_ALIGNTO != 0)
        {
            _bytes.Add(0);
        }
    }

    /// <summary>struct ifinfomsg: family (AF_UNSPEC), pad, type, index, flags, change.</summary>
    public static byte[] InterfaceInfo(int index = 0, uint flags = 0, uint change = 0)
    {
        var b = new byte[Uapi.SIZEOF_IFINFOMSG];
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), change);
        return b;
    }

    /// <summary>struct nfgenmsg of a netfilter message: the family, NFNETLINK_V0, res_id (big endian; a batch names its subsystem there).</summary>
    public static byte[] NetfilterHeader(byte family, ushort resourceId = 0)
    {
        var b = new byte[Uapi.SIZEOF_NFGENMSG];
        b[0] = family;
        b[1] = Uapi.NFNETLINK_V0;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), resourceId);
        return b;
    }

    /// <summary>struct ifaddrmsg for AF_INET: family, prefix length, flags, scope (global), index.</summary>
    public static byte[] AddressInfo(byte prefixLength, int index) => AddressInfo(Uapi.AF_INET, prefixLength, index);

    /// <summary>
    /// struct ifaddrmsg of a family (AF_INET, AF_INET6, or AF_UNSPEC for a dump of both): family, prefix length,
    /// flags, scope (global), index. In a dump on a strict-checking socket the index filters the dump to that link.
    /// </summary>
    public static byte[] AddressInfo(int family, byte prefixLength, int index)
    {
        var b = new byte[Uapi.SIZEOF_IFADDRMSG];
        b[0] = checked((byte)family);
        b[1] = prefixLength;
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), index);
        return b;
    }

    /// <summary>struct rtmsg for AF_INET in the main table.</summary>
    public static byte[] RouteInfo(byte destinationLength, byte protocol, byte scope, byte type) =>
        RouteInfo(Uapi.AF_INET, destinationLength, protocol, scope, type);

    /// <summary>struct rtmsg of a family in the main table: family, dst_len, src_len, tos, table, protocol, scope, type, flags.</summary>
    public static byte[] RouteInfo(int family, byte destinationLength, byte protocol, byte scope, byte type)
    {
        var b = new byte[Uapi.SIZEOF_RTMSG];
        b[0] = checked((byte)family);
        b[1] = destinationLength;
        b[4] = Uapi.RT_TABLE_MAIN;
        b[5] = protocol;
        b[6] = scope;
        b[7] = type;
        return b;
    }
}

/// <summary>Reads the attributes of a netlink message (or of a nested attribute).</summary>
internal readonly ref struct NetlinkAttributes
{
    private readonly ReadOnlySpan<byte> _data;

    public NetlinkAttributes(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>The payload of the first attribute of that type, or an empty span.</summary>
    public ReadOnlySpan<byte> Get(ushort type, out bool found)
    {
        for (var offset = 0; Next(offset, out offset, out var attributeType, out var value);)
        {
            if (attributeType == type)
            {
                found = true;
                return value;
            }
        }
        found = false;
        return ReadOnlySpan<byte>.Empty;
    }

    /// <summary>The attribute at <paramref name="offset"/> (type without its flag bits, payload) and where the next starts; false at the end or at a malformed one.</summary>
    private bool Next(int offset, out int next, out ushort type, out ReadOnlySpan<byte> value)
    {
        next = offset;
        type = 0;
        value = default;
        if (offset + Uapi.NLA_HDRLEN > _data.Length)
        {
            return false;
        }
        var length = BinaryPrimitives.ReadUInt16LittleEndian(_data[offset..]);
        if (length < Uapi.NLA_HDRLEN || offset + length > _data.Length)
        {
            return false;
        }
        type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_data[(offset + 2)..]) & Uapi.NLA_TYPE_MASK);
        value = _data.Slice(offset + Uapi.NLA_HDRLEN, length - Uapi.NLA_HDRLEN);
        next = offset + Align(length);
        return true;
    }

    public string? String(ushort type)
    {
        var value = Get(type, out var found);
        return found ? CString(value) : null;
    }

    /// <summary>A C string: UTF-8 up to its first NUL (or the whole value without one).</summary>
    public static string CString(ReadOnlySpan<byte> value)
    {
        var end = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
    }

    public uint? U32(ushort type)
    {
        var value = Get(type, out var found);
        return found && value.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(value) : null;
    }

    public int? S32(ushort type)
    {
        var value = Get(type, out var found);
        return found && value.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(value) : null;
    }

    public byte? U8(ushort type)
    {
        var value = Get(type, out var found);
        return found && value.Length >= 1 ? value[0] : null;
    }

    /// <summary>An IPv4 or IPv6 address attribute of the given family (4 or 16 bytes), or null when absent or of another length.</summary>
    public IPAddress? IpAddress(ushort type, int family)
    {
        var value = Get(type, out var found);
        var length = Uapi.AddressLength(family);
        return found && length > 0 && value.Length == length ? new IPAddress(value) : null;
    }

    public NetlinkAttributes Nested(ushort type) => new(Get(type, out _));

    /// <summary>The payloads of every attribute of that type, in order (the elements of a list: NFTA_LIST_ELEM).</summary>
    public List<byte[]> All(ushort type)
    {
        var all = new List<byte[]>();
        for (var offset = 0; Next(offset, out offset, out var attributeType, out var value);)
        {
            if (attributeType == type)
            {
                all.Add(value.ToArray());
            }
        }
        return all;
    }

    /// <summary>NLA_ALIGN / NLMSG_ALIGN: lengths round up to 4 bytes.</summary>
    public static int Align(int length) => (length + Uapi.NLA_ALIGNTO - 1) & ~(Uapi.NLA_ALIGNTO - 1);
}
