namespace NetNsPS;

/// <summary>An IPv4 address on an interface; Namespace is null for the host.</summary>
public sealed class NsIPAddress
{
    public string? Namespace { get; init; }
    public string InterfaceName { get; init; } = "";
    public string IPAddress { get; init; } = "";
    public byte PrefixLength { get; init; }

    /// <summary>"IPv4" or "IPv6", as Get-NetIPAddress names them.</summary>
    public string AddressFamily { get; init; } = "IPv4";

    /// <summary>The kernel's scope: "global", "link" (IPv6 link-local, shown with -IncludeLinkLocal) or "host" (loopback).</summary>
    public string Scope { get; init; } = "global";

    public override string ToString() => $"{IPAddress}/{PrefixLength}";
}
