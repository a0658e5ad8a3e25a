namespace NetNsPS;

/// <summary>A named network namespace (a file under /run/netns) with its interfaces and their IPv4 and IPv6 addresses (IPv6 link-local ones left out).</summary>
public sealed class NetNamespace
{
    public string Name { get; init; } = "";
    public string Path { get; init; } = "";
    public string[] Interfaces { get; init; } = System.Array.Empty<string>();
    public string[] IPAddresses { get; init; } = System.Array.Empty<string>();

    /// <summary>The same addresses, each after its interface ("veth-red 192.168.15.2/24"), in the order of Interfaces.</summary>
    public string[] InterfaceAddresses { get; init; } = System.Array.Empty<string>();

    /// <summary>The name, so a namespace object binds wherever a namespace name is expected.</summary>
    public override string ToString() => Name;
}
