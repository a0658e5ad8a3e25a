namespace NetNsPS;

/// <summary>A veth pair: Name inside Namespace, PeerName on the host (attached to Bridge when it has one).</summary>
public sealed class VethPair
{
    public string Name { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string PeerName { get; init; } = "";
    public string? Bridge { get; init; }

    /// <summary>The namespace end's operational state (UP, DOWN, LOWERLAYERDOWN, ...).</summary>
    public string State { get; init; } = "";

    /// <summary>Whether the bridge sends frames back out of the port they came in on (needed for hairpin NAT).</summary>
    public bool Hairpin { get; set; }

    public override string ToString() => $"{Namespace}:{Name}";
}
