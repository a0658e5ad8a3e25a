using System;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Text.RegularExpressions;

namespace NetNsPS.Linux;

/// <summary>An IPv4 address with a prefix length: an interface address (host bits allowed) or a network (host bits zero).</summary>
public readonly record struct Ipv4Cidr(uint Address, byte PrefixLength)
{
    // \z, not $: '$' also matches before a final newline, so "192.168.15.1\n" passed as an address.
    // [0-9], not \d: \d matches any Unicode digit ("١٩٢"), which int.Parse then rejects with a FormatException.
    private static readonly Regex DottedQuad = new(@"^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\z", RegexOptions.CultureInvariant);

    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);
    public uint NetworkAddress => Address & Mask;
    public uint BroadcastAddress => NetworkAddress | ~Mask;
    public bool HasHostBits => (Address & ~Mask) != 0;
    public Ipv4Cidr Network => new(NetworkAddress, PrefixLength);
    public string AddressText => Format(Address);

    public bool Contains(uint address) => (address & Mask) == NetworkAddress;

    public override string ToString() => $"{Format(Address)}/{PrefixLength}";

    public static string Format(uint address) =>
        $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}";

    /// <summary>Strict dotted-quad IPv4 (no "10.1" shorthands, no leading zeros that could mean octal).</summary>
    public static bool TryParseAddress(string? text, out uint address)
    {
        address = 0;
        if (text is null)
        {
            return false;
        }
        var m = DottedQuad.Match(text);
        if (!m.Success)
        {
            return false;
        }
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
            address = (address << 8) | (uint)octet;
        }
        return true;
    }

    public static uint ParseAddress(string? text, string parameterName) => ParseAddress(text, parameterName, text);

    /// <summary>Parses the address part of <paramref name="shown"/>; errors name all of <paramref name="shown"/>, as the user wrote it.</summary>
    private static uint ParseAddress(string? text, string parameterName, string? shown)
    {
        if (TryParseAddress(text, out var address))
        {
            return address;
        }
        if (text is not null && IPAddress.TryParse(text, out var other) && other.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            throw new NetNsException(
                $"{parameterName} '{Names.Show(shown)}' is an IPv6 address; NetNsPS supports IPv4 only for now.",
                "IPv6NotSupported", ErrorCategory.InvalidArgument, shown);
        }
        throw new NetNsException(
            $"{parameterName} '{Names.Show(shown)}' is not a valid IPv4 address: use four numbers 0-255 separated by dots, such as 192.168.15.2.",
            "InvalidIPAddress", ErrorCategory.InvalidArgument, shown);
    }

    /// <summary>Parses "a.b.c.d/len"; without "/len", <paramref name="defaultPrefix"/> is used (null: the prefix is required).</summary>
    public static Ipv4Cidr Parse(string? text, string parameterName, byte? defaultPrefix)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new NetNsException($"{parameterName} is empty: give an IPv4 address such as 192.168.15.2/24.",
                "InvalidIPAddress", ErrorCategory.InvalidArgument, text);
        }
        var slash = text.IndexOf('/');
        var addressPart = slash < 0 ? text : text[..slash];
        var address = ParseAddress(addressPart, parameterName, text);
        byte prefix;
        if (slash < 0)
        {
            prefix = defaultPrefix ?? throw new NetNsException(
                $"{parameterName} '{Names.Show(text)}' has no prefix length: write it as a.b.c.d/len, such as 192.168.15.0/24.",
                "InvalidPrefix", ErrorCategory.InvalidArgument, text);
        }
        else
        {
            var lengthText = text[(slash + 1)..];
            if (!byte.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > 32 || (lengthText.Length > 1 && lengthText[0] == '0'))
            {
                throw new NetNsException(
                    $"{parameterName} '{Names.Show(text)}' has an invalid prefix length '{Names.Show(lengthText)}': use a number from 0 to 32.",
                    "InvalidPrefixLength", ErrorCategory.InvalidArgument, text);
            }
        }
        return new Ipv4Cidr(address, prefix);
    }

    /// <summary>A network prefix: "default" means 0.0.0.0/0, host bits must be zero, a bare address means /32.</summary>
    public static Ipv4Cidr ParseNetwork(string? text, string parameterName)
    {
        if (string.Equals(text, "default", StringComparison.OrdinalIgnoreCase))
        {
            return new Ipv4Cidr(0, 0);
        }
        var cidr = Parse(text, parameterName, 32);
        if (cidr.HasHostBits)
        {
            throw new NetNsException(
                $"{parameterName} '{Names.Show(text)}' has host bits set; the network is {cidr.Network}.",
                "HostBitsSet", ErrorCategory.InvalidArgument, text);
        }
        return cidr;
    }

    /// <summary>The kernel's own form of a route destination ("default", "10.0.0.0/8", or a bare address for /32).</summary>
    public string ToRouteDestination() =>
        PrefixLength == 0 ? "default" : PrefixLength == 32 ? Format(Address) : ToString();
}
