namespace NetNsPS;

/// <summary>An IPv4 address on an interface; Namespace is null for the host.</summary>
public sealed class NsIPAddress
{
    public string? Namespace { get; init; }
    public string InterfaceName { get; init; } = "";
    public string IPAddress { get; init; } = "";
    public byte PrefixLength { get; init; }

    public override string ToString() => $"{IPAddress}/{PrefixLength}";
}
