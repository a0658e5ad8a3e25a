namespace NetNsPS;

/// <summary>A route of a namespace's main table (Namespace null: the host).</summary>
public sealed class NsRoute
{
    public string? Namespace { get; init; }
    public string DestinationPrefix { get; init; } = "";
    public string? NextHop { get; init; }
    public string? InterfaceName { get; init; }

    /// <summary>"link" for a directly reachable subnet (no gateway), "global" for routes via a next hop.</summary>
    public string Scope { get; init; } = "global";
    public string? Protocol { get; init; }
    public string? PreferredSource { get; init; }

    public override string ToString() => NextHop is null ? $"{DestinationPrefix} dev {InterfaceName}" : $"{DestinationPrefix} via {NextHop}";
}
