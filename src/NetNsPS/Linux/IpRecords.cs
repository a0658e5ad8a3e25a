using System.Collections.Generic;
using System.Linq;

namespace NetNsPS.Linux;

/// <summary>One interface as `ip -d -j addr show` reports it.</summary>
public sealed record LinkRecord(
    int Index,
    string Name,
    string? Kind,
    string? SlaveKind,
    IReadOnlyList<string> Flags,
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
    public bool IsUp => Flags.Contains("UP");
    public bool IsVeth => Kind == "veth";
    public bool IsBridge => Kind == "bridge";
    /// <summary>True when this veth's other end is <paramref name="other"/>, in the same namespace or across (by ifindex).</summary>
    public bool IsPairedWith(LinkRecord other, bool acrossNamespaces) =>
        IsVeth && other.IsVeth && (acrossNamespaces
            ? PeerIndex == other.Index && other.PeerIndex == Index && PeerNetnsId is not null && other.PeerNetnsId is not null
            : PeerNameSameNamespace == other.Name && other.PeerNameSameNamespace == Name);

    public IEnumerable<AddressRecord> Ipv4Addresses => Addresses.Where(a => a.Family == "inet");
}

/// <summary>One address of an interface.</summary>
public sealed record AddressRecord(string Family, string Address, byte PrefixLength, string? Scope)
{
    public string Cidr => $"{Address}/{PrefixLength}";
}

/// <summary>One route of the main table as `ip -j route show` reports it.</summary>
public sealed record RouteRecord(string Destination, string? Gateway, string? Device, string? Scope, string? Protocol, string? PreferredSource, string? Type)
{
    /// <summary>The destination in CIDR form ("default" becomes 0.0.0.0/0, a bare address /32).</summary>
    public string DestinationPrefix => Destination == "default" ? "0.0.0.0/0" : Destination.Contains('/') ? Destination : Destination + "/32";
}
