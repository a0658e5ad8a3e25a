namespace NetNsPS;

/// <summary>A named network namespace (a file under /run/netns) with its interfaces and IPv4 addresses.</summary>
public sealed class NetNamespace
{
    public string Name { get; init; } = "";
    public string Path { get; init; } = "";
    public string[] Interfaces { get; init; } = System.Array.Empty<string>();
    public string[] IPAddresses { get; init; } = System.Array.Empty<string>();

    /// <summary>The name, so a namespace object binds wherever a namespace name is expected.</summary>
    public override string ToString() => Name;
}
