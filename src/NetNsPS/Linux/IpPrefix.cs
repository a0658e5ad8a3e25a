using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace NetNsPS.Linux;

/// <summary>The address families a parse accepts.</summary>
[Flags]
public enum IpFamilies
{
    Ipv4 = 1,
    Ipv6 = 2,
    Any = Ipv4 | Ipv6,
}

/// <summary>
/// An IPv4 or IPv6 address with a prefix length: an interface address (host bits allowed) or a network (host bits
/// zero). <c>default(IpPrefix)</c> has no address and is not a value to use.
/// </summary>
public readonly record struct IpPrefix
{
    /// <summary>
    /// What the cmdlets accept: the one place that decides it. IPv6 text is parsed strictly either way, but refused
    /// with IPv6NotSupported unless this includes <see cref="IpFamilies.Ipv6"/>.
    /// </summary>
    public const IpFamilies Supported = IpFamilies.Any;

    /// <summary>As a default prefix length: the address family's full length (32 or 128), a single host.</summary>
    public const byte HostLength = byte.MaxValue;

    // \z, not $: '$' also matches before a final newline, so "192.168.15.1\n" passed as an address.
    // [0-9], not \d: \d matches any Unicode digit ("١٩٢"), which int.Parse then rejects with a FormatException.
    private static readonly Regex DottedQuad = new(@"^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\z", RegexOptions.CultureInvariant);

    // Hex groups, colons and at most a dotted-quad tail: no zone id ('%'), brackets, port, white space or other digits.
    private static readonly Regex Ipv6Text = new(@"^[0-9A-Fa-f:.]+\z", RegexOptions.CultureInvariant);

    public IpPrefix(IPAddress address, byte prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        var max = MaxLengthOf(address.AddressFamily);
        if (prefixLength > max)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, $"a prefix length of {address.AddressFamily} is 0 to {max}");
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            throw new ArgumentException($"{address} has a zone id; a prefix has none", nameof(address));
        }
        Address = address;
        PrefixLength = prefixLength;
    }

    public IPAddress Address { get; }
    public byte PrefixLength { get; }

    public AddressFamily Family => Address.AddressFamily;
    public bool IsIpv4 => Family == AddressFamily.InterNetwork;

    /// <summary>32 for IPv4, 128 for IPv6.</summary>
    public byte MaxLength => MaxLengthOf(Family);

    /// <summary>A single host: the full length.</summary>
    public bool IsHost => PrefixLength == MaxLength;

    /// <summary>The address with the host bits cleared.</summary>
    public IPAddress NetworkAddress => IpAddressMath.WithHostBits(Address, PrefixLength, set: false);

    /// <summary>The address with the host bits set: the last address of the network.</summary>
    public IPAddress LastAddress => IpAddressMath.WithHostBits(Address, PrefixLength, set: true);

    /// <summary>IPv4 only: the network's broadcast address (its last address); null for IPv6, which has no broadcast.</summary>
    public IPAddress? BroadcastAddress => IsIpv4 ? LastAddress : null;

    public bool HasHostBits => !NetworkAddress.Equals(Address);
    public IpPrefix Network => new(NetworkAddress, PrefixLength);
    public string AddressText => Address.ToString();

    /// <summary>True for an address of the same family inside this network.</summary>
    public bool Contains(IPAddress address) =>
        address.AddressFamily == Family && IpAddressMath.WithHostBits(address, PrefixLength, set: false).Equals(NetworkAddress);

    /// <summary>
    /// Why this cannot be an interface address: "the network address" or "the broadcast address" of an IPv4 network
    /// shorter than /31; null otherwise (always for IPv6, where the subnet-router anycast address is left allowed).
    /// </summary>
    public string? ReservedAddressKind =>
        !IsIpv4 || PrefixLength >= 31 ? null
        : Address.Equals(NetworkAddress) ? "the network address"
        : Address.Equals(BroadcastAddress) ? "the broadcast address"
        : null;

    /// <summary>The first host address after the network address (the suggestion for a bridge or namespace address).</summary>
    public IPAddress? FirstHostAddress => IpAddressMath.Offset(NetworkAddress, 1);

    public override string ToString() => $"{AddressText}/{PrefixLength}";

    /// <summary>The kernel's own form of a route destination ("default", "10.0.0.0/8", or a bare address at full length).</summary>
    public string ToRouteDestination() => PrefixLength == 0 ? "default" : IsHost ? AddressText : ToString();

    public static byte MaxLengthOf(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 32,
        AddressFamily.InterNetworkV6 => 128,
        _ => throw new ArgumentException($"{family} is neither IPv4 nor IPv6", nameof(family)),
    };

    /// <summary>The default route's destination: 0.0.0.0/0 or ::/0.</summary>
    public static IpPrefix Default(AddressFamily family) =>
        new(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);

    /// <summary>The address alone, at full length.</summary>
    public static IpPrefix Host(IPAddress address) => new(address, MaxLengthOf(address.AddressFamily));

    /// <summary>Strict dotted-quad IPv4 (no "10.1" shorthands, no leading zeros that could mean octal).</summary>
    public static bool TryParseIpv4(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text is null)
        {
            return false;
        }
        var m = DottedQuad.Match(text);
        if (!m.Success)
        {
            return false;
        }
        var bytes = new byte[4];
        for (var i = 1; i <= 4; i++)
        {
            var part = m.Groups[i].Value;
            if (part.Length > 1 && part[0] == '0')
            {
                return false;
            }
            var octet = int.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }
            bytes[i - 1] = (byte)octet;
        }
        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>
    /// Strict IPv6: hex groups and colons ("::" compression allowed), an optional strict dotted-quad tail
    /// ("::ffff:192.0.2.1"); no zone id, brackets, port or white space.
    /// </summary>
    public static bool TryParseIpv6(string? text, out IPAddress address)
    {
        address = IPAddress.IPv6None;
        if (text is null || !text.Contains(':') || !Ipv6Text.IsMatch(text))
        {
            return false;
        }
        var lastColon = text.LastIndexOf(':');
        if (text.IndexOf('.') is var dot && dot >= 0 && (dot < lastColon || !TryParseIpv4(text[(lastColon + 1)..], out _)))
        {
            return false;
        }
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6 || parsed.ScopeId != 0)
        {
            return false;
        }
        address = parsed;
        return true;
    }

    /// <summary>Strict IPv4 or IPv6 of the families given.</summary>
    public static bool TryParseAddress(string? text, out IPAddress address, IpFamilies families = Supported)
    {
        if ((families & IpFamilies.Ipv4) != 0 && TryParseIpv4(text, out address))
        {
            return true;
        }
        if ((families & IpFamilies.Ipv6) != 0 && TryParseIpv6(text, out address))
        {
            return true;
        }
        address = IPAddress.None;
        return false;
    }

    public static IPAddress ParseAddress(string? text, string parameterName, IpFamilies families = Supported) =>
        ParseAddress(text, parameterName, text, families);

    /// <summary>Parses the address part of <paramref name="shown"/>; errors name all of <paramref name="shown"/>, as the user wrote it.</summary>
    private static IPAddress ParseAddress(string? text, string parameterName, string? shown, IpFamilies families)
    {
        if (TryParseAddress(text, out var address, families))
        {
            return address;
        }
        var ipv6 = (families & IpFamilies.Ipv6) != 0;
        if (text is not null && IPAddress.TryParse(text, out var other) && other.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (!ipv6)
            {
                throw new NetNsException(
                    $"{parameterName} '{Names.Show(shown)}' is an IPv6 address; NetNsPS supports IPv4 only for now.",
                    "IPv6NotSupported", ErrorCategory.InvalidArgument, shown);
            }
            var percent = text.IndexOf('%');
            if (percent >= 0 && TryParseIpv6(text[..percent], out _))
            {
                throw new NetNsException(
                    $"{parameterName} '{Names.Show(shown)}' has a zone id ('{Names.Show(text[percent..])}'): give the address without it, such as {Names.Show(text[..percent])}; the interface is given on its own.",
                    "InvalidIPAddress", ErrorCategory.InvalidArgument, shown);
            }
        }
        throw new NetNsException(
            (families & IpFamilies.Ipv4) == 0
                ? $"{parameterName} '{Names.Show(shown)}' is not a valid IPv6 address: use hex groups separated by colons, such as fd00::2 (no zone id, brackets or port)."
                : ipv6
                ? $"{parameterName} '{Names.Show(shown)}' is not a valid IP address: use four numbers 0-255 separated by dots, such as 192.168.15.2, or hex groups separated by colons, such as fd00::2 (no zone id, brackets or port)."
                : $"{parameterName} '{Names.Show(shown)}' is not a valid IPv4 address: use four numbers 0-255 separated by dots, such as 192.168.15.2.",
            "InvalidIPAddress", ErrorCategory.InvalidArgument, shown);
    }

    /// <summary>
    /// Parses "address/len"; without "/len", <paramref name="defaultPrefix"/> is used (<see cref="HostLength"/>: the
    /// family's full length; null: the prefix is required).
    /// </summary>
    public static IpPrefix Parse(string? text, string parameterName, byte? defaultPrefix, IpFamilies families = Supported)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new NetNsException(
                (families & IpFamilies.Ipv6) == 0
                    ? $"{parameterName} is empty: give an IPv4 address such as 192.168.15.2/24."
                    : $"{parameterName} is empty: give an address such as 192.168.15.2/24 or fd00::2/64.",
                "InvalidIPAddress", ErrorCategory.InvalidArgument, text);
        }
        var slash = text.IndexOf('/');
        var addressPart = slash < 0 ? text : text[..slash];
        var address = ParseAddress(addressPart, parameterName, text, families);
        var max = MaxLengthOf(address.AddressFamily);
        byte prefix;
        if (slash < 0)
        {
            prefix = defaultPrefix is HostLength ? max : defaultPrefix ?? throw new NetNsException(
                address.AddressFamily == AddressFamily.InterNetwork
                    ? $"{parameterName} '{Names.Show(text)}' has no prefix length: write it as a.b.c.d/len, such as 192.168.15.0/24."
                    : $"{parameterName} '{Names.Show(text)}' has no prefix length: write it as address/len, such as fd00::/64.",
                "InvalidPrefix", ErrorCategory.InvalidArgument, text);
            if (prefix > max)
            {
                throw new NetNsException(
                    $"{parameterName} '{Names.Show(text)}' has an invalid prefix length '{prefix}': use a number from 0 to {max}.",
                    "InvalidPrefixLength", ErrorCategory.InvalidArgument, text);
            }
        }
        else
        {
            var lengthText = text[(slash + 1)..];
            if (!byte.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max || (lengthText.Length > 1 && lengthText[0] == '0'))
            {
                throw new NetNsException(
                    $"{parameterName} '{Names.Show(text)}' has an invalid prefix length '{Names.Show(lengthText)}': use a number from 0 to {max}.",
                    "InvalidPrefixLength", ErrorCategory.InvalidArgument, text);
            }
        }
        return new IpPrefix(address, prefix);
    }

    /// <summary>True for "default" (any case): the default route of a family the caller picks.</summary>
    public static bool IsDefaultText(string? text) => string.Equals(text, "default", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A network prefix: "default" means 0.0.0.0/0, or ::/0 when <paramref name="defaultFamily"/> says so; host bits
    /// must be zero; a bare address means the full length.
    /// </summary>
    public static IpPrefix ParseNetwork(string? text, string parameterName, IpFamilies families = Supported, AddressFamily defaultFamily = AddressFamily.InterNetwork)
    {
        if (IsDefaultText(text))
        {
            return Default(defaultFamily);
        }
        var prefix = Parse(text, parameterName, HostLength, families);
        if (prefix.HasHostBits)
        {
            throw new NetNsException(
                $"{parameterName} '{Names.Show(text)}' has host bits set; the network is {prefix.Network}.",
                "HostBitsSet", ErrorCategory.InvalidArgument, text);
        }
        return prefix;
    }

    /// <summary>A route's next hop must be of its destination's family: an error that names both otherwise.</summary>
    public static void RequireSameFamily(IpPrefix destination, string destinationParameter, IPAddress nextHop, string nextHopParameter)
    {
        if (nextHop.AddressFamily != destination.Family)
        {
            throw new NetNsException(
                $"{nextHopParameter} '{nextHop}' is an {FamilyName(nextHop.AddressFamily)} address but {destinationParameter} '{destination}' is {FamilyName(destination.Family)}: a route's next hop must be of its destination's family.",
                "AddressFamilyMismatch", ErrorCategory.InvalidArgument, nextHop.ToString());
        }
    }

    public static string FamilyName(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
}

/// <summary>Arithmetic over an address's bytes (network order): host bits and offsets, for both families.</summary>
public static class IpAddressMath
{
    /// <summary>The address with the bits after <paramref name="prefixLength"/> cleared or set.</summary>
    public static IPAddress WithHostBits(IPAddress address, int prefixLength, bool set)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var networkBits = Math.Clamp(prefixLength - i * 8, 0, 8);
            var hostMask = (byte)(0xFF >> networkBits);
            bytes[i] = set ? (byte)(bytes[i] | hostMask) : (byte)(bytes[i] & ~hostMask);
        }
        return new IPAddress(bytes);
    }

    /// <summary>The address as a number (an IPv4 address in the low 32 bits).</summary>
    public static UInt128 ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static IPAddress FromNumber(UInt128 number, AddressFamily family)
    {
        if (family == AddressFamily.InterNetwork)
        {
            if (number > uint.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(number), "beyond 255.255.255.255");
            }
            var four = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(four, (uint)number);
            return new IPAddress(four);
        }
        var sixteen = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(sixteen, number);
        return new IPAddress(sixteen);
    }

    /// <summary>The address <paramref name="offset"/> after (or before) this one; null past either end of the family's space.</summary>
    public static IPAddress? Offset(IPAddress address, long offset)
    {
        var n = ToNumber(address);
        var max = address.AddressFamily == AddressFamily.InterNetwork ? uint.MaxValue : UInt128.MaxValue;
        var magnitude = offset >= 0 ? (UInt128)(ulong)offset : (UInt128)(ulong)(-(offset + 1)) + 1;
        if (offset >= 0 ? max - n < magnitude : n < magnitude)
        {
            return null;
        }
        return FromNumber(offset >= 0 ? n + magnitude : n - magnitude, address.AddressFamily);
    }
}
