using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace NetNsPS.Linux;

/// <summary>One interface as `ip -d -j addr show` reports it.</summary>
public sealed record LinkRecord(
    int Index,
    string Name,
    string? Kind,
    string? SlaveKind,
    LinkFlags Flags,
    string OperState,
    int Mtu,
    string? MacAddress,
    string? Master,
    int? PeerIndex,
    int? PeerNetnsId,
    string? PeerNameSameNamespace,
    bool? Hairpin,
    IReadOnlyList<AddressRecord> Addresses)
{
    /// <summary>The interface's alias (`ip link set NAME alias TEXT`); NetNsPS marks what it creates with one.</summary>
    public string? Alias { get; init; }

    /// <summary>Administratively up (`ip link set X up`), whatever the carrier.</summary>
    public bool IsUp => Flags.HasFlag(LinkFlags.Up);
    public bool IsVeth => Kind == "veth";
    public bool IsBridge => Kind == "bridge";
    /// <summary>True when this veth's other end is <paramref name="other"/>, in the same namespace or across (by ifindex).</summary>
    public bool IsPairedWith(LinkRecord other, bool acrossNamespaces) =>
        IsVeth && other.IsVeth && (acrossNamespaces
            ? PeerIndex == other.Index && other.PeerIndex == Index && PeerNetnsId is not null && other.PeerNetnsId is not null
            : PeerNameSameNamespace == other.Name && other.PeerNameSameNamespace == Name);

    /// <summary>The IPv4 addresses only: how callers keep to IPv4.</summary>
    public IEnumerable<AddressRecord> Ipv4Addresses => Addresses.Where(a => a.Family == AddressFamily.InterNetwork);

    /// <summary>The IPv6 addresses that are not link-local (fe80::/10): the ones a user gave.</summary>
    public IEnumerable<AddressRecord> Ipv6Addresses => Addresses.Where(a => a.Family == AddressFamily.InterNetworkV6 && !a.IsLinkLocal);

    /// <summary>
    /// Every address but the IPv6 ones the kernel gives interfaces by itself (link-local fe80::/10, and ::1 on lo): what
    /// views show by default.
    /// </summary>
    public IEnumerable<AddressRecord> GlobalAddresses => Addresses.Where(a => !a.IsLinkLocal);

    /// <summary>The addresses of one family, link-local ones left out.</summary>
    public IEnumerable<AddressRecord> AddressesOf(AddressFamily family) => family == AddressFamily.InterNetwork ? Ipv4Addresses : Ipv6Addresses;
}

/// <summary>
/// A link's flags (ifinfomsg.ifi_flags, the kernel's IFF_* bits; `ip -j` names them in "flags"). iproute2's
/// "NO-CARRIER" is not a flag of its own: it is <see cref="Up"/> without <see cref="LowerUp"/>.
/// </summary>
[Flags]
public enum LinkFlags : uint
{
    None = 0,
    Up = 0x1,
    Broadcast = 0x2,
    Debug = 0x4,
    Loopback = 0x8,
    PointToPoint = 0x10,
    NoTrailers = 0x20,
    Running = 0x40,
    NoArp = 0x80,
    Promisc = 0x100,
    AllMulti = 0x200,
    Master = 0x400,
    Slave = 0x800,
    Multicast = 0x1000,
    PortSel = 0x2000,
    AutoMedia = 0x4000,
    Dynamic = 0x8000,
    LowerUp = 0x10000,
    Dormant = 0x20000,
    Echo = 0x40000,
}

/// <summary>One address of an interface.</summary>
public sealed record AddressRecord(AddressFamily Family, IPAddress Address, byte PrefixLength, string? Scope)
{
    /// <summary>The address with its prefix length, host bits kept.</summary>
    public IpPrefix Prefix => new(Address, PrefixLength);

    /// <summary>"address/len", as `ip addr` shows it.</summary>
    public string Cidr => Prefix.ToString();

    /// <summary>
    /// An IPv6 address the kernel adds by itself: link-local (fe80::/10) on every interface, and ::1 on lo. IPv4's
    /// 127.0.0.1 is kept, as NetNsPS always showed it.
    /// </summary>
    public bool IsLinkLocal => Family == AddressFamily.InterNetworkV6 && (Address.IsIPv6LinkLocal || Address.Equals(IPAddress.IPv6Loopback));

    /// <summary>IPv6 duplicate address detection has not finished (IFA_F_TENTATIVE): the address cannot be used yet.</summary>
    public bool Tentative { get; init; }

    /// <summary>IPv6 duplicate address detection found the address in use on the link (IFA_F_DADFAILED).</summary>
    public bool DadFailed { get; init; }
}

/// <summary>One route of the main table as `ip -j route show` reports it.</summary>
/// <remarks>The destination of the default route is 0.0.0.0/0 or ::/0; a host route's is at full length (/32, /128).</remarks>
public sealed record RouteRecord(IpPrefix Destination, IPAddress? Gateway, string? Device, string? Scope, string? Protocol, IPAddress? PreferredSource, string? Type)
{
    public AddressFamily Family => Destination.Family;

    /// <summary>The route to everywhere of its family (`ip route`'s "default").</summary>
    public bool IsDefault => Destination.PrefixLength == 0;

    /// <summary>An IPv6 route within fe80::/10, such as the fe80::/64 the kernel adds on every interface.</summary>
    public bool IsLinkLocal => !Destination.IsIpv4 && Destination.PrefixLength >= 10 && Destination.Address.IsIPv6LinkLocal;
}
