namespace NetNsPS;

/// <summary>Outbound NAT for a bridge's namespaces: POSTROUTING -s SourcePrefix ! -o Bridge -j MASQUERADE.</summary>
public sealed class NsMasquerade
{
    public string Bridge { get; init; } = "";
    public string SourcePrefix { get; init; } = "";

    public override string ToString() => $"{SourcePrefix} ! -o {Bridge}";
}
