namespace NetNsPS;

/// <summary>
/// A point-to-point link: a veth pair whose end InterfaceName lives in Namespace and whose end PeerInterfaceName
/// lives in PeerNamespace (null: the host), with the IPv4 addresses of each end.
/// </summary>
public sealed class NsLink
{
    /// <summary>The namespace of the first end (null: the host).</summary>
    public string? Namespace { get; init; }
    public string InterfaceName { get; init; } = "";
    public string[] IPAddress { get; init; } = System.Array.Empty<string>();

    /// <summary>The namespace of the other end (null: the host).</summary>
    public string? PeerNamespace { get; init; }
    public string PeerInterfaceName { get; init; } = "";
    public string[] PeerIPAddress { get; init; } = System.Array.Empty<string>();

    /// <summary>The first end's operational state (UP, DOWN, LOWERLAYERDOWN, ...).</summary>
    public string State { get; init; } = "";

    public override string ToString() => $"{Namespace ?? "(host)"}:{InterfaceName} <-> {PeerNamespace ?? "(host)"}:{PeerInterfaceName}";
}
