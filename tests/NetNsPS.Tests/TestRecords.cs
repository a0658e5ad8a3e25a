using System.Net;
using NetNsPS.Linux;

namespace NetNsPS.Tests;

/// <summary>Typed kernel records written the way `ip` shows them, for tests.</summary>
internal static class TestRecords
{
    /// <summary>"default" (0.0.0.0/0, or ::/0 with an IPv6 gateway), "a.b.c.d/len", a bare address (full length), or IPv6 alike.</summary>
    public static RouteRecord Route(string destination, string? gateway, string? device, string? scope, string? protocol, string? preferredSource, string? type)
    {
        var via = gateway is null ? null : IPAddress.Parse(gateway);
        var prefix = destination == "default"
            ? IpPrefix.Default(via?.AddressFamily ?? System.Net.Sockets.AddressFamily.InterNetwork)
            : IpPrefix.Parse(destination, "destination", IpPrefix.HostLength, IpFamilies.Any);
        return new RouteRecord(prefix, via, device, scope, protocol, preferredSource is null ? null : IPAddress.Parse(preferredSource), type);
    }

    /// <summary>"a.b.c.d/len" or "fd00::2/64" with scope global.</summary>
    public static AddressRecord Address(string cidr, string scope = "global")
    {
        var prefix = IpPrefix.Parse(cidr, "address", null, IpFamilies.Any);
        return new AddressRecord(prefix.Family, prefix.Address, prefix.PrefixLength, scope);
    }
}
