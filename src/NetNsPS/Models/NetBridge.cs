namespace NetNsPS;

/// <summary>A Linux bridge on the host: a switch for the namespaces and, with an address, the host's interface to them.</summary>
public sealed class NetBridge
{
    public string Name { get; init; } = "";
    public string State { get; init; } = "";
    public string? MacAddress { get; init; }
    public int Mtu { get; init; }
    public string[] IPAddresses { get; init; } = System.Array.Empty<string>();
    public string[] Ports { get; init; } = System.Array.Empty<string>();

    public override string ToString() => Name;
}
